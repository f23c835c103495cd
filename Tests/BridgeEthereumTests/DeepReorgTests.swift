// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeEthereum
import BridgeStore
import Foundation
import JSONRPC
import ProcessTestSupport
import Testing

/// The sentinel alone: which blocks are due, what a changed hash withdraws, its bounds.
struct DeepReorgSentinelTests {
    static func observation(block: UInt64, hash: UInt8, index: UInt32) -> LockObservation {
        LockObservation(
            id: ObservationID(chainID: 1, transactionHash: [UInt8](repeating: hash, count: 31) + [UInt8(index)], logIndex: index),
            profile: .v2, blockNumber: block, blockHash: [UInt8](repeating: hash, count: 32), sender: [UInt8](repeating: 1, count: 20),
            token: [UInt8](repeating: 2, count: 20), amount: 1, payment: 0, recipient: "r", relayer: "", metadata: "", blockTimeMs: 0,
            destinationChain: 0)
    }

    @Test func dueOnlyOnceFinalIsDepthPastTheBlockAndAChangedHashWithdrawsItsObservations() {
        var sentinel = DeepReorgSentinel(depth: 10)
        sentinel.track([Self.observation(block: 100, hash: 0xaa, index: 0), Self.observation(block: 100, hash: 0xaa, index: 1),
                        Self.observation(block: 105, hash: 0xbb, index: 0)])
        #expect(sentinel.due(final: 109).isEmpty)
        #expect(sentinel.due(final: 110) == [100])
        #expect(sentinel.due(final: 200) == [100, 105])
        #expect(sentinel.resolve(105, canonicalHash: [UInt8](repeating: 0xbb, count: 32)).isEmpty)
        let withdrawn = sentinel.resolve(100, canonicalHash: [UInt8](repeating: 0xcc, count: 32))
        #expect(withdrawn.map(\.logIndex) == [0, 1])
        #expect(sentinel.count == 0 && sentinel.due(final: 500).isEmpty)
        #expect(sentinel.resolve(100, canonicalHash: nil).isEmpty, "a block is checked once")
    }

    @Test func aMissingBlockCountsAsReplacedAndTheTableIsBounded() {
        var sentinel = DeepReorgSentinel(depth: 1, capacity: 3)
        sentinel.track((1...5).map { Self.observation(block: UInt64($0), hash: UInt8($0), index: 0) })
        #expect(sentinel.count == 3 && sentinel.dropped == 2)
        #expect(sentinel.due(final: 100) == [3, 4, 5])
        #expect(sentinel.resolve(3, canonicalHash: nil).count == 1)
        var off = DeepReorgSentinel(depth: 0)
        off.track([Self.observation(block: 1, hash: 1, index: 0)])
        #expect(off.count == 0 && off.due(final: 1_000).isEmpty)
    }
}

extension DevnetWatcherTests {
    /// Confirmations mode (2) and a lock reorganised out after the watcher counted it final: the
    /// sentinel re-reads the block `depth` blocks later, finds another hash and withdraws it.
    @Test func aLockReplacedAfterFinalityIsWithdrawn() async throws {
        let devnet = try await SharedDevnet.get()
        let start = try await devnet.finalized() + 1
        let database = try BridgeDatabase()
        let lock = try await devnet.lock(["recipient": .string("1NyaTjhcDQEZMGWSSmhEXZoP3G9NSQ7SZN"), "metadata": .string("deep")])
        try await devnet.mine(3)
        let id = "\(devnet.chainID):\(lock.txHash):\(lock.logIndexes[0])"
        let target = lock.blockNumber + 12
        let logs = CapturedLogs()
        nonisolated(unsafe) var statusAfterObservation: AttestationStatus?
        _ = try await runWatcher(endpoints: [devnet.rpcURL], devnet: devnet, contract: devnet.bridge, from: start, until: target,
                                 database: database, logs: logs, timeout: 90) {
            $0.finality = .confirmations(2)
            $0.deepReorgCheckDepth = 4
        } whileRunning: {
            _ = try await eventually(.seconds(30), every: .milliseconds(50)) {
                try await database.observationStatuses(chainID: devnet.chainID).contains(where: { $0.id.description == id })
            }
            statusAfterObservation = try await database.observationStatuses(chainID: devnet.chainID).first { $0.id.description == id }?.status
            // Replace everything from the lock's block up with a longer branch without it.
            _ = try await devnet.rpc.call("devnet_reorg", .array([.object([
                "toBlock": .int(Int64(lock.blockNumber - 1)), "newBlocks": .int(20), "force": .bool(true),
            ])]))
        }
        #expect(statusAfterObservation == .observed, "the lock was observed before the reorg")
        let row = try #require(try await database.observationStatuses(chainID: devnet.chainID).first { $0.id.description == id })
        #expect(row.status == .rejected)
        #expect(row.reason?.hasPrefix("reorged_after_finality") == true)
        #expect(logs.all.contains { $0.contains("replaced after finality") })
    }
}

extension DevnetWatcherTests {
    /// The watcher stops right after observing a lock; the lock is reorganised out while it is
    /// down; the restarted watcher re-reads the recent observations from the store and withdraws it.
    @Test func aLockReplacedWhileTheWatcherWasDownIsWithdrawnAfterTheRestart() async throws {
        let devnet = try await SharedDevnet.get()
        let start = try await devnet.finalized() + 1
        let database = try BridgeDatabase()
        let lock = try await devnet.lock(["recipient": .string("1NyaTjhcDQEZMGWSSmhEXZoP3G9NSQ7SZN"), "metadata": .string("restart")])
        try await devnet.mine(3)
        let id = "\(devnet.chainID):\(lock.txHash):\(lock.logIndexes[0])"
        let configure: (inout EthereumWatcherConfiguration) -> Void = {
            $0.finality = .confirmations(2)
            $0.deepReorgCheckDepth = 4
        }
        _ = try await runWatcher(endpoints: [devnet.rpcURL], devnet: devnet, contract: devnet.bridge, from: start,
                                 until: lock.blockNumber, database: database, configure: configure)
        #expect(try await database.observationStatuses(chainID: devnet.chainID).first { $0.id.description == id }?.status == .observed)
        _ = try await devnet.rpc.call("devnet_reorg", .array([.object([
            "toBlock": .int(Int64(lock.blockNumber - 1)), "newBlocks": .int(20), "force": .bool(true),
        ])]))
        let logs = CapturedLogs()
        _ = try await runWatcher(endpoints: [devnet.rpcURL], devnet: devnet, contract: devnet.bridge, from: start,
                                 until: lock.blockNumber + 12, database: database, logs: logs, configure: configure)
        let row = try #require(try await database.observationStatuses(chainID: devnet.chainID).first { $0.id.description == id })
        #expect(row.status == .rejected)
        #expect(row.reason?.hasPrefix("reorged_after_finality") == true)
        #expect(logs.all.contains { $0.contains("replaced after finality") })
    }
}
