// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeKoinos
import BridgeStore
import BridgeTesting
import ChainCrypto
import Foundation
import Koinos
import KoinosTestSupport
import Testing

/// A burst of transfers at quorum against the Koinos mempool's per-account limit of pending
/// transactions (the simulator's, like koinos-mempool's, is 10): the submitter sends at most the
/// limit, sends the rest as blocks make room, and never backs off on a full mempool. Before, the
/// 11th send in a pass failed with `pending_transaction_limit_exceeded` and waited an exponential
/// backoff (up to 59 s per retry seen in a 1,000-lock burst on the localnet).
@Suite(.serialized)
struct SubmitterMempoolLimitTests {
    @Test func aBurstIsSentAsTheMempoolMakesRoomWithoutFailures() async throws {
        let validators = TestValidator.make(3)
        guard let sim = try await KoinosSimulatorProcess.start(validators: validators, profile: .v2) else { return }
        let clock = VirtualClock(startMilliseconds: SubmitterSimulatorTests.wallNow)
        let recipient = TestValidator(key: .generate()).address
        let node = try sim.node(validators[0], profile: .v2, clock: clock, takeoverMs: 3_600_000) { $0.maxTransfersPerTransaction = 1 }
        var ids: [String] = []
        for i in 0..<25 {
            let message = QuorumFixture.message(
                sim, profile: .v2, recipient: recipient, amount: UInt64(100 + i), relayer: validators[0].address, nowMs: clock.nowMilliseconds)
            ids.append(try QuorumFixture.store(message, signers: validators, in: node.db, quorumAtMs: clock.nowMilliseconds))
        }

        func statuses() async throws -> [SubmissionStatus?] {
            var out: [SubmissionStatus?] = []
            for id in ids { out.append(try await node.db.submission(for: id)?.status) }
            return out
        }
        await node.submitter.tick()
        var now = try await statuses()
        #expect(now.filter { $0 == .submitted }.count == 10)
        #expect(now.filter { $0 == .failed }.isEmpty)  // the 11th was not tried and refused
        #expect(now.filter { $0 == nil }.count == 15)  // nothing written for the deferred ones
        await node.submitter.tick()  // still full: nothing more is sent
        #expect(try await statuses().filter { $0 == .submitted }.count == 10)

        var blocks = 0
        while try await statuses().contains(where: { $0 != .completed }), blocks < 10 {
            try await sim.produceBlock()
            blocks += 1
            for _ in 0..<3 { await node.submitter.tick() }
        }
        now = try await statuses()
        #expect(now.allSatisfy { $0 == .completed }, "after \(blocks) blocks: \(now)")
        #expect(blocks <= 4)  // 10 per block: 3 blocks, plus slack for a pass that completes late
        for id in ids { #expect(try await node.db.submission(for: id)?.attempts == 1) }
        #expect(try await sim.balance(recipient) == (0..<25).reduce(0) { $0 + UInt64(100 + $1) })
        await sim.stop()
    }

    @Test func roomCountsOnlyOurTransactionsStillInTheMempool() {
        var c = KoinosSubmitterConfiguration(bridgeContract: [UInt8](repeating: 1, count: 25), profile: .v2, payerKey: .generate())
        c.maxPendingTransactions = 3
        let planner = SubmissionPlanner(configuration: c)
        func row(_ status: SubmissionStatus, _ tx: UInt8?) -> SubmittableObservation {
            let id = "1:0x\(tx.map { String($0) } ?? "x"):0"
            var record = SubmissionRecord(observationID: id, status: status, updatedAtMs: 0)
            record.koinosTransactionID = tx.map { [$0] }
            return SubmittableObservation(
                id: id, profile: .v2, status: .quorum, message: [], digest: [], quorumAtMs: 0, signatures: [], submission: record)
        }
        let work = [row(.submitted, 1), row(.submitted, 2), row(.included, 3), row(.pending, nil), row(.failed, nil)]
        #expect(planner.mempoolRoom(work, included: []) == 1)
        #expect(planner.mempoolRoom(work, included: [[1]]) == 2)  // in a block: no longer pending
        #expect(planner.mempoolRoom(work, included: nil) == 1)  // unknown: counted as pending
        #expect(planner.mempoolRoom(work + [row(.submitted, 4), row(.submitted, 5)], included: []) == 0)
    }
}
