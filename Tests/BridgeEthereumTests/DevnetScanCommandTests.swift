// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeEthereum
import BridgeStore
import Foundation
import ProcessTestSupport
import JSONRPC
import Testing

/// `bridge-relay eth scan` and the two-endpoint agreement mode against the devnet.
extension DevnetWatcherTests {
    static func runRelay(_ arguments: [String]) async throws -> ChildProcess.Completion {
        try #require(FileManager.default.isExecutableFile(atPath: relayBinary), "build the relay first: swift build --product bridge-relay (\(relayBinary))")
        let result = try await ChildProcess.run(relayBinary, arguments, timeout: .seconds(60))
        #expect(!result.timedOut, "bridge-relay \(arguments.prefix(2).joined(separator: " ")) ran over 60 s")
        return result
    }

    @Test func scanPrintsOneJudgedObjectPerLockAndFailsClearly() async throws {
        let devnet = try await SharedDevnet.get()
        let start = try await devnet.finalized() + 1
        let good = try await devnet.lock(["count": .int(2)])
        let bad = try await devnet.lock(["recipient": .string("bad recipient")])
        try await devnet.mine(6)
        let result = try await Self.runRelay(["eth", "scan", "--rpc", devnet.rpcURL, "--contract", devnet.bridge, "--profile", "v2",
                                        "--from", String(start), "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let objects = result.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(objects.count == 3)
        #expect(Set(objects.compactMap { $0["id"] as? String }) == expectedIDs([good, bad], chainID: devnet.chainID))
        for key in ["tx_hash", "log_index", "block_number", "block_hash", "token", "sender", "amount", "recipient", "status"] {
            #expect(objects.allSatisfy { $0[key] != nil }, "every object has \(key)")
        }
        // The pair's second lock can never complete on Koinos (one completion per transaction).
        let reasons = objects.filter { $0["status"] as? String == "rejected" }.compactMap { ($0["reason"] as? String)?.split(separator: ":").first }
        #expect(reasons.sorted() == ["duplicate_transaction_lock", "invalid_recipient"])
        #expect(objects.filter { $0["status"] as? String == "valid" }.count == 1)

        let unreachable = try await Self.runRelay(["eth", "scan", "--rpc", "http://127.0.0.1:1", "--contract", devnet.bridge, "--from", "0", "--timeout", "2"])
        #expect(unreachable.status != 0)
        #expect(unreachable.stderr.split(separator: "\n").count == 1 && unreachable.stderr.contains("cannot reach"), "\(unreachable.stderr)")
        let noCode = try await Self.runRelay(["eth", "scan", "--rpc", devnet.rpcURL, "--contract", "0x" + String(repeating: "42", count: 20), "--from", "0"])
        #expect(noCode.status != 0)
        #expect(noCode.stderr.split(separator: "\n").count == 1 && noCode.stderr.contains("no contract code"), "\(noCode.stderr)")
    }

    @Test func agreementModeEmitsOnlyWhatTwoEndpointsAgreeOn() async throws {
        let devnet = try await SharedDevnet.get()
        let proxy = try await FaultServer.start(upstream: devnet.rpcURL)
        let start = try await devnet.finalized() + 1
        let locks = [try await devnet.lock([:]), try await devnet.lock(["kind": .string("native")])]
        try await devnet.mine(6)
        let target = try await devnet.finalized()
        let database = try BridgeDatabase()
        _ = try await runWatcher(endpoints: [devnet.rpcURL, proxy.url], devnet: devnet, contract: devnet.bridge,
                                 from: start, until: target, database: database, trust: .twoAgree)
        #expect(Set(try await database.observationStatuses(chainID: devnet.chainID).map(\.id.description)) == expectedIDs(locks, chainID: devnet.chainID))

        // With the second endpoint broken nothing can be confirmed: the watcher must not advance.
        let control = JSONRPCClient(transport: CurlTransportFactory.make(proxy.url))
        _ = try await control.call("fault_setMode", .array([.string("garbage")]))
        _ = try await devnet.lock([:])
        try await devnet.mine(6)
        let logs = CapturedLogs()
        await #expect(throws: DevnetError.self) {
            _ = try await runWatcher(endpoints: [devnet.rpcURL, proxy.url], devnet: devnet, contract: devnet.bridge,
                                     from: target + 1, until: target + 1, database: database, logs: logs, timeout: 3, trust: .twoAgree)
        }
        #expect(logs.contains("agreement mode needs two healthy endpoints"), "\(logs.all.suffix(3))")
        await proxy.stop()
    }
}
