// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeKoinos
import BridgeStore
import BridgeTesting
import Koinos
import Testing

/// A burst larger than one pass's read (`batchLimit`): transfers already sent, which wait for
/// their block to become irreversible, must not fill the read and hide the transfers not sent yet.
/// Before, the pass read the `batchLimit` oldest rows of both kinds together; in a 1,000-lock burst
/// on the localnet (limit 500) the newest 300–500 transfers sat at quorum for 3–4 s while the 500
/// oldest waited for the last irreversible block, with room in the mempool.
struct SubmitterBurstWindowTests {
    /// 100 transfers, a read of 30 rows of each kind, 2 pending transactions of 10 transfers: 20
    /// are sent per block, so all 100 are sent in 5 blocks, before the first one is irreversible.
    @Test func transfersWaitingForIrreversibilityDoNotHideTheOnesNotSentYet() async throws {
        let net = ScriptedSubmitterNetwork(validators: 3, irreversibleDepth: 10)
        let node = net.node(net.validators[0]) {
            $0.takeoverTimeoutMs = 0
            $0.batchLimit = 30
            $0.maxPendingTransactions = 2
            $0.maxTransfersPerTransaction = 10
        }
        var ids: [String] = []
        for _ in 0..<100 { ids.append(try net.reachQuorum(net.transfer(), in: [node])) }

        var sent: [Int] = []
        for _ in 0..<5 {
            await node.submitter.tick()
            sent.append(net.chain.acceptedTransactions.reduce(0) { $0 + $1.operations.count })
            net.chain.produceBlock()
            net.clock.advance(milliseconds: 500)
        }
        // Before: 20, 30, 30, 30, 30 — the read held the 30 oldest rows, in flight, and the mempool room went unused.
        #expect(sent == [20, 40, 60, 80, 100])
        #expect(ids.allSatisfy { node.queue.submission(for: $0)?.status != .completed })  // none irreversible yet
        #expect(net.chain.refusals.isEmpty)

        var rounds = 0
        while !ids.allSatisfy({ node.queue.submission(for: $0)?.status == .completed }), rounds < 40 {
            net.chain.produceBlock()
            net.clock.advance(milliseconds: 2_000)
            await node.submitter.tick()
            rounds += 1
        }
        let statuses = ids.map { node.queue.submission(for: $0)?.status.rawValue ?? "none" }
        #expect(ids.allSatisfy { node.queue.submission(for: $0)?.status == .completed }, "after \(rounds) more blocks: \(Set(statuses))")
        #expect(net.chain.completedTransfers.count == 100)
    }

    /// The read's contract, on the double the test above uses: at most `limit` rows not sent yet
    /// and, besides them, at most `limit` rows in flight, each kind oldest quorum first.
    @Test func theReadTakesEachKindUpToTheLimit() async throws {
        let net = ScriptedSubmitterNetwork(validators: 3)
        let queue = InMemorySubmissionQueue()
        var ids: [String] = []
        for i in 0..<8 {
            let o = try net.observation(net.transfer(), quorumAtMs: 1_000 + UInt64(i))
            queue.add(o)
            ids.append(o.id)
        }
        for id in ids.prefix(5) {
            try await queue.saveSubmission(SubmissionRecord(observationID: id, status: .submitted, updatedAtMs: 1), observationStatus: .submitted)
        }
        let read = try await queue.submittableObservations(limit: 3)
        #expect(read.map(\.id) == Array(ids.prefix(3)) + Array(ids.suffix(3)))
    }

    /// The same contract on the real store (SQLite): a pass reads the not-sent rows even when more
    /// than `limit` older rows are in flight.
    @Test func theStoreReadTakesEachKindUpToTheLimit() async throws {
        let net = ScriptedSubmitterNetwork(validators: 3)
        let db = try BridgeDatabase()
        let queue = SQLiteSubmissionQueue(db)
        var ids: [String] = []
        for i in 0..<8 {
            ids.append(try QuorumFixture.store(net.transfer(), signers: net.validators, in: db, quorumAtMs: 1_000 + UInt64(i)))
        }
        for id in ids.prefix(5) {
            try await queue.saveSubmission(SubmissionRecord(observationID: id, status: .submitted, updatedAtMs: 1), observationStatus: .submitted)
        }
        let read = try await queue.submittableObservations(limit: 3)
        #expect(read.map(\.id) == Array(ids.prefix(3)) + Array(ids.suffix(3)))
        #expect(read.allSatisfy { $0.signatures.count == 3 })
        #expect(read.prefix(3).allSatisfy { $0.submission?.status == .submitted && $0.status == .submitted })
        #expect(read.suffix(3).allSatisfy { $0.submission == nil && $0.status == .quorum })
    }
}
