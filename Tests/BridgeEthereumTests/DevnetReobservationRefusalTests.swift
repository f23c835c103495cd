// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeEthereum
import BridgeStore
import Ethereum
import JSONRPC
import Testing

/// Re-observation requests a validator must refuse, against the real devnet (serialized suite).
extension DevnetWatcherTests {
    static func randomHash() -> [UInt8] { (0..<32).map { _ in UInt8.random(in: 0...255) } }

    @Test func hostileIdsAreRefusedWithTheirReasonAndStoreNothing() async throws {
        let devnet = try await SharedDevnet.get()
        let lock = try await devnet.lock()
        let accounts = try await devnet.rpc.call("eth_accounts").arrayValue ?? []
        let revertedTx = try await devnet.rpc.call("eth_sendTransaction", .array([.object([
            "from": accounts.first ?? .null, "to": .string(devnet.bridge), "data": .string("0xdeadbeef"), "gas": .string("0x30000"),
        ])]))
        try await devnet.mine(6)
        let database = try BridgeDatabase()
        let logs = CapturedLogs()
        let metrics = CountingMetrics()
        let (reobserver, configuration) = Self.reobserver(devnet, database: database, logs: logs, metrics: metrics) {
            $0.maxAttempts = 2
            $0.retryDelayMs = 0
        }
        let lockLog = try #require(lock.logIndexes.first)
        let random = Self.randomHash()
        let cases: [(ObservationID, ReobservationResult)] = [
            (ObservationID(chainID: devnet.chainID, transactionHash: random, logIndex: 0), .unknownTransaction),
            (try Self.observationID(devnet, lock.txHash, 99), .logNotFound),
            (try Self.observationID(devnet, lock.txHash, lockLog - 1), .unexpectedLog),  // the token's Transfer log
            (try Self.observationID(devnet, try #require(revertedTx.stringValue), 0), .transactionFailed),
        ]
        for (id, expected) in cases {
            #expect(await reobserver.offer(id) == nil)
            let outcome = await reobserver.processNext()
            #expect(outcome?.id == id)
            #expect(outcome?.result == expected, "\(id)")
            #expect(logs.contains("reason=\(expected.rawValue)"))
        }
        let other = ObservationID(chainID: devnet.chainID + 1, transactionHash: random, logIndex: 0)
        #expect(await reobserver.offer(other) == .wrongChain)

        // A block above the finalized tag: checked again later, then given up after the last attempt.
        let fresh = try await devnet.lock()
        let unfinal = try Self.observationID(devnet, fresh.txHash, fresh.logIndexes[0])
        #expect(await reobserver.offer(unfinal) == nil)
        #expect(await reobserver.processNext()?.result == .deferred)
        #expect(reobserver.queuedCount == 1)
        #expect(await reobserver.offer(unfinal) == .duplicate)
        #expect(await reobserver.processNext()?.result == .notFinal)
        #expect(reobserver.queuedCount == 0)

        #expect(try await database.observationStatuses(chainID: devnet.chainID).isEmpty, "nothing stored")
        #expect(try await database.cursorBlock(configuration.cursorName) == nil, "no cursor written")
        // Every refused id is cooling down: asking again does not cost another RPC round.
        #expect(await reobserver.offer(cases[0].0) == .coolingDown)
        let counted: [ReobservationResult] = [
            .unknownTransaction, .logNotFound, .unexpectedLog, .transactionFailed, .wrongChain, .deferred, .duplicate, .notFinal, .coolingDown,
        ]
        for result in counted {
            #expect(metrics.count("bridge_reobservation_total", [("result", result.rawValue)]) == 1, "\(result.rawValue)")
        }
        #expect(metrics.count("bridge_reobservation_total", [("result", "observed")]) == 0)
    }

    @Test func aFloodOfDistinctIdsIsBoundedAndPaced() async throws {
        let devnet = try await SharedDevnet.get()
        let database = try BridgeDatabase()
        let metrics = CountingMetrics()
        let (reobserver, _) = Self.reobserver(devnet, database: database, metrics: metrics) {
            $0.maxLength = 32
            $0.checksPerSecond = 0.001
            $0.burst = 4
        }
        var refusals: [ReobservationResult?: Int] = [:]
        for _ in 0..<5_000 {
            let id = ObservationID(chainID: devnet.chainID, transactionHash: Self.randomHash(), logIndex: 0)
            refusals[await reobserver.offer(id), default: 0] += 1
        }
        #expect(refusals[nil] == 32, "queued")
        #expect(refusals[.queueFull] == 5_000 - 32)
        #expect(metrics.count("bridge_reobservation_total", [("result", "queue_full")]) == 5_000 - 32)
        #expect(reobserver.queuedCount == 32)
        // The burst is checked against the node; then the rate limit holds the rest back.
        for _ in 0..<4 { #expect(await reobserver.processNext()?.result == .unknownTransaction) }
        #expect(await reobserver.processNext() == nil)
        #expect(reobserver.queuedCount == 28)
        #expect(try await database.observationStatuses(chainID: devnet.chainID).isEmpty)
    }
}
