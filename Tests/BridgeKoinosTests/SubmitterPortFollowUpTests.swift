// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeKoinos
import BridgeStore
import BridgeTesting
import Koinos
import Testing

/// The real `KoinosSubmitter` following its transactions through its ports against a scripted
/// chain: inclusion timeout, completions by others, a restart, irreversibility and a fork.
struct SubmitterPortFollowUpTests {
    @Test func aTransactionTheMempoolLostIsSentAgainWithTheResyncedNonceAtTheInclusionTimeout() async throws {
        let net = ScriptedSubmitterNetwork(validators: 1)
        let node = net.node(net.validators[0])
        let id = try net.reachQuorum(net.transfer(), in: [node])
        await node.submitter.tick()
        let lost = try #require(node.queue.submission(for: id)?.koinosTransactionID)
        net.chain.dropPending(net.validators[0].address)

        net.clock.advance(milliseconds: 59_999)
        await node.submitter.tick()
        #expect(net.chain.acceptedTransactions.count == 1)
        net.clock.advance(milliseconds: 1)
        await node.submitter.tick()
        let row = try #require(node.queue.submission(for: id))
        // Resynced from the chain, the nonce is 1 again (the lost one never counted): the same
        // transaction, byte for byte, so the same id; a locally advanced nonce 2 would be refused.
        #expect(row.status == .submitted && row.koinosTransactionID == lost && row.attempts == 2)
        #expect(try net.chain.acceptedTransactions.map { try KoinosNonce.decode($0.header.nonce) } == [1, 1])

        net.chain.produceBlock()
        await node.submitter.tick()
        #expect(node.queue.submission(for: id)?.status == .completed)
        #expect(net.chain.completedTransfers.count == 1 && net.chain.refusals.isEmpty)
    }

    @Test func aTransferAnotherRelayerCompletedIsNeverSent() async throws {
        let net = ScriptedSubmitterNetwork(validators: 3)
        let message = net.transfer()
        let node = net.node(net.rotation(for: message)[0])
        let other = net.rotation(for: message)[1]
        let id = try net.reachQuorum(message, in: [node])
        try await net.submitOutside(from: other, operations: [try net.completeTransferOperation(message)])
        net.chain.produceBlock()

        await node.submitter.tick()
        let row = try #require(node.queue.submission(for: id))
        #expect(row.status == .completed && row.koinosTransactionID == nil)
        #expect(row.lastError == "already completed on Koinos")
        #expect(net.chain.acceptedTransactions.map(\.header.payer) == [other.address])
    }

    @Test func aCompletionStillInTheMempoolRevertsOurSendAndIsRecheckedSoon() async throws {
        let net = ScriptedSubmitterNetwork(validators: 3)
        let message = net.transfer()
        let node = net.node(net.rotation(for: message)[0])
        let id = try net.reachQuorum(message, in: [node])
        try await net.submitOutside(from: net.rotation(for: message)[1], operations: [try net.completeTransferOperation(message)])

        await node.submitter.tick()  // head state says not completed; the mempool's pending state does
        let row = try #require(node.queue.submission(for: id))
        #expect(row.status == .failed && row.lastError == "rejected: transfer already completed")
        #expect(try #require(row.nextAttemptAtMs) <= net.clock.nowMilliseconds + 10_000)
        #expect(net.chain.refusals.map(\.message) == ["transfer already completed"])

        net.chain.produceBlock()
        net.clock.advance(milliseconds: 10_000)
        await node.submitter.tick()
        #expect(node.queue.submission(for: id)?.status == .completed)
        #expect(net.chain.acceptedTransactions.count == 1)
    }

    @Test func aRestartedSubmitterFollowsItsStoredTransactionInsteadOfSendingAgain() async throws {
        let net = ScriptedSubmitterNetwork(validators: 1)
        let db = try BridgeDatabase()
        let configuration = net.configuration(net.validators[0])
        let message = net.transfer()
        let id = try QuorumFixture.store(message, signers: net.validators, in: db, quorumAtMs: net.clock.nowMilliseconds)
        let before = KoinosSubmitter(configuration: configuration, chain: net.chain, queue: SQLiteSubmissionQueue(db), clock: net.clock, random: { 0 })
        await before.tick()
        #expect(try await db.submission(for: id)?.status == .submitted)

        let after = KoinosSubmitter(configuration: configuration, chain: net.chain, queue: SQLiteSubmissionQueue(db), clock: net.clock, random: { 0 })
        net.clock.advance(milliseconds: 5_000)
        await after.tick()
        #expect(net.chain.acceptedTransactions.count == 1)
        net.chain.produceBlock()
        await after.tick()
        #expect(try await db.submission(for: id)?.status == .completed)
        #expect(try QuorumFixture.observationStatus(id, in: db) == "completed")
        #expect(net.chain.acceptedTransactions.count == 1)
    }

    @Test func aForkBelowIrreversibilityDropsTheCompletionAndTheTransferIsSentAgainOnce() async throws {
        let net = ScriptedSubmitterNetwork(validators: 1, irreversibleDepth: 2)
        let node = net.node(net.validators[0])
        let id = try net.reachQuorum(net.transfer(), in: [node])
        await node.submitter.tick()
        net.chain.produceBlock()
        await node.submitter.tick()
        var row = try #require(node.queue.submission(for: id))
        #expect(row.status == .submitted && row.completedSeenAtHeight == 1)  // completed, not irreversible yet

        net.chain.fork(droppingNewest: 1)
        net.clock.advance(milliseconds: 2_000)
        await node.submitter.tick()
        row = try #require(node.queue.submission(for: id))
        #expect(row.status == .submitted && row.attempts == 2 && row.completedSeenAtHeight == nil)
        #expect(net.chain.acceptedTransactions.count == 2)

        net.chain.produceBlock()
        net.clock.advance(milliseconds: 2_000)
        await node.submitter.tick()
        #expect(node.queue.submission(for: id)?.completedSeenAtHeight == 1)
        #expect(node.queue.submission(for: id)?.status != .completed)
        for _ in 0..<2 { net.chain.produceBlock() }
        net.clock.advance(milliseconds: 2_000)
        await node.submitter.tick()
        #expect(node.queue.submission(for: id)?.status == .completed)
        #expect(net.chain.completedTransfers.count == 1 && net.chain.acceptedTransactions.count == 2)
    }
}
