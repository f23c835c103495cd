// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeEthereum
import BridgeStore
import ChainCrypto
import Ethereum
import Foundation
import ProcessTestSupport
import JSONRPC
import Testing

/// The watcher against the real devnet (py-evm): locks, a reorg, faulty endpoints, SIGKILL crashes.
@Suite(.serialized, .disabled(if: Devnet.skipped, "BRIDGE_SKIP_DEVNET=1"))
struct DevnetWatcherTests {
    static let koinosToken = KoinosAddress("1FaSvLjQJsCJKq5ybmGsMMQs8RQYyVv8ju")!.bytes
    static let koinosContract = KoinosAddress("1Fp3iNkmGKMPVdTpC7i3rttBBXVi7CDoX7")!.bytes

    @Test func fiftyLocksBecomeExactlyTheExpectedObservations() async throws {
        let devnet = try await SharedDevnet.get()
        let start = try await devnet.finalized() + 1
        var locks: [Devnet.Lock] = []
        for i in 0..<47 {
            locks.append(try await devnet.lock(["kind": .string(i % 3 == 0 ? "native" : "erc20"), "relayer": .string(i % 5 == 0 ? "1NyaTjhcDQEZMGWSSmhEXZoP3G9NSQ7SZN" : "")]))
            if i % 4 == 0 { try await devnet.mine(i % 7 + 1) }
        }
        let pair = try await devnet.lock(["kind": .string("erc20"), "count": .int(2)])
        #expect(pair.logIndexes.count == 2, "two locks in one transaction")
        let bad = try await devnet.lock(["recipient": .string("0xNotAKoinosAddress")])
        locks += [pair, bad]
        try await devnet.mine(6)
        let target = try await devnet.finalized()
        let database = try BridgeDatabase()
        let tokens = [HexData.decodeAddress(devnet.token): Self.koinosToken, HexData.decodeAddress(devnet.weth): Self.koinosToken]
        _ = try await runWatcher(endpoints: [devnet.rpcURL], devnet: devnet, contract: devnet.bridge, from: start, until: target, database: database) {
            $0.tokens = tokens
            $0.koinosContract = Self.koinosContract
        }
        let stored = try await database.observationStatuses(chainID: devnet.chainID)
        #expect(stored.count == 50)
        #expect(Set(stored.map(\.id.description)) == expectedIDs(locks, chainID: devnet.chainID))
        let badID = "\(devnet.chainID):\(bad.txHash):\(bad.logIndexes[0])"
        // The pair's second lock can never complete on Koinos (one completion per transaction): rejected.
        let secondOfPair = "\(devnet.chainID):\(pair.txHash):\(pair.logIndexes.max()!)"
        let rejected = stored.filter { $0.status == .rejected }.sorted { $0.reason ?? "" < $1.reason ?? "" }
        #expect(rejected.map(\.id.description) == [secondOfPair, badID])
        #expect(rejected.first?.reason?.hasPrefix("duplicate_transaction_lock") == true)
        #expect(rejected.last?.reason?.hasPrefix("invalid_recipient") == true)
        #expect(stored.filter { $0.status == .observed }.count == 48)
    }

    @Test func aLockReorgedOutBeforeFinalityIsNeverObserved() async throws {
        let devnet = try await SharedDevnet.get()
        let start = try await devnet.finalized() + 1
        let database = try BridgeDatabase()
        nonisolated(unsafe) var first: Devnet.Lock?
        nonisolated(unsafe) var second: Devnet.Lock?
        nonisolated(unsafe) var removed: [JSONValue] = []
        // The watcher runs (polling every 50 ms) while the first lock exists, so it would see it if it
        // trusted anything short of the finalized tag.
        let target = try await devnet.finalized() + 12
        _ = try await runWatcher(endpoints: [devnet.rpcURL], devnet: devnet, contract: devnet.bridge, from: start, until: target,
                                 database: database, timeout: 90) { _ in } whileRunning: {
            first = try await devnet.lock(["recipient": .string("1NyaTjhcDQEZMGWSSmhEXZoP3G9NSQ7SZN"), "metadata": .string("first")])
            try await Task.sleep(for: .milliseconds(300))  // time in which the watcher must not trust the lock
            let reorg = try await devnet.rpc.call("devnet_reorg", .array([.object(["depth": .int(1)])]))
            removed = reorg["removedTransactions"]?.arrayValue ?? []
            second = try await devnet.lock(["metadata": .string("second")])
            try await devnet.mine(16)
        }
        let stored = Set(try await database.observationStatuses(chainID: devnet.chainID).map(\.id.description))
        #expect(removed.contains(.string(first!.txHash)), "the reorg removed the first lock")
        #expect(stored == expectedIDs([second!], chainID: devnet.chainID))
    }

    @Test(arguments: ["http500", "garbage", "truncated", "wrong_chain", "frozen", "slow"])
    func aFaultyPrimaryEndpointFailsOverWithoutMissingAnything(mode: String) async throws {
        let devnet = try await SharedDevnet.get()
        let proxy = try await FaultServer.start(upstream: devnet.rpcURL)
        let proxyURL = proxy.url
        let control = JSONRPCClient(transport: CurlTransportFactory.make(proxyURL))
        let start = try await devnet.finalized() + 1
        var locks = [try await devnet.lock([:])]
        let setFault: @Sendable () async throws -> Void = { _ = try await control.call("fault_setMode", .array([.string(mode), .object(["seconds": .int(3)])])) }
        if mode == "wrong_chain" { try await setFault() }  // caught by the start-up chain id check
        locks.append(try await devnet.lock(["kind": .string("native")]))
        let logs = CapturedLogs()
        let database = try BridgeDatabase()
        nonisolated(unsafe) var late: Devnet.Lock?
        try await devnet.mine(6)
        let target = try await devnet.finalized() + 4
        _ = try await runWatcher(endpoints: [proxyURL, devnet.rpcURL], devnet: devnet, contract: devnet.bridge, from: start,
                                 until: target, database: database, logs: logs, timeout: 60, requestTimeout: 1) {
            $0.stallMs = 400
        } whileRunning: {
            try await Task.sleep(for: .milliseconds(400))  // the watcher is using the proxy (endpoint 0) now
            if mode != "wrong_chain" { try await setFault() }
            late = try await devnet.lock([:])  // after the fault began
            for _ in 0..<8 {
                try await devnet.mine(1)
                try await Task.sleep(for: .milliseconds(150))  // the block pace is the test
            }
        }
        locks.append(late!)
        let stored = Set(try await database.observationStatuses(chainID: devnet.chainID).map(\.id.description))
        #expect(stored == expectedIDs(locks, chainID: devnet.chainID), "nothing missed, nothing extra (\(mode))")
        let expectedLine = switch mode {
        case "wrong_chain": "serves the wrong chain"
        case "frozen": "head is not moving"
        default: "Ethereum endpoint call failed"
        }
        #expect(logs.contains(expectedLine), "a clear log line for \(mode): \(logs.all.prefix(6))")
        #expect(logs.contains("Switching Ethereum endpoint") || mode == "wrong_chain", "failover logged for \(mode)")
        await proxy.stop()
    }
}
