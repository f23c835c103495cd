// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeKoinos
import BridgeTesting
import Koinos
import Testing

/// The real `KoinosSubmitter` interpreter through its ports (`KoinosChain`, `SubmissionQueue`)
/// against a scripted chain with a virtual clock: the sending decisions, performed, in milliseconds.
struct SubmitterPortTests {
    @Test func theNextInLineTakesOverExactlyAtQuorumPlusSixtySecondsAndTheThirdNeverSends() async throws {
        let net = ScriptedSubmitterNetwork(validators: 3)
        let message = net.transfer()
        let nodes = net.rotation(for: message).map { net.node($0) }
        let id = try net.reachQuorum(message, in: nodes)

        // The first in line is down. The second waits for its turn, asking the chain meanwhile.
        await nodes[1].submitter.tick()
        #expect(nodes[1].queue.submission(for: id)?.lastError?.contains("turn") == true)
        net.clock.advance(milliseconds: 59_999)
        await nodes[1].submitter.tick()
        #expect(net.chain.acceptedTransactions.isEmpty)
        net.clock.advance(milliseconds: 1)
        await nodes[1].submitter.tick()
        await nodes[2].submitter.tick()
        #expect(nodes[1].queue.submission(for: id)?.status == .submitted)
        #expect(nodes[2].queue.submission(for: id)?.status == .pending)
        #expect(net.chain.acceptedTransactions.map(\.header.payer) == [nodes[1].validator.address])

        net.chain.produceBlock()
        await nodes[1].submitter.tick()
        #expect(nodes[1].queue.submission(for: id)?.status == .completed)
        #expect(nodes[1].queue.status(of: id) == .completed)
        #expect(net.chain.completedTransfers == [message.transactionID])

        net.clock.advance(milliseconds: 60_000)  // the third's turn: it only sees the completion
        await nodes[2].submitter.tick()
        let third = try #require(nodes[2].queue.submission(for: id))
        #expect(third.status == .completed && third.koinosTransactionID == nil)
        #expect(net.chain.acceptedTransactions.count == 1)
    }

    @Test func aNonceTakenByAnotherProcessIsResyncedAndTheSendSucceedsInTheSamePass() async throws {
        let net = ScriptedSubmitterNetwork(validators: 1)
        let node = net.node(net.validators[0])
        let first = try net.reachQuorum(net.transfer(), in: [node])
        await node.submitter.tick()
        #expect(node.queue.submission(for: first)?.status == .submitted)

        try await net.submitOutside(from: net.validators[0])  // takes nonce 2, which the submitter holds locally
        let second = try net.reachQuorum(net.transfer(), in: [node])
        await node.submitter.tick()
        let row = try #require(node.queue.submission(for: second))
        #expect(row.status == .submitted, "\(row.lastError ?? "")")
        #expect(net.chain.refusals.map(\.kind) == [.invalidNonce])
        #expect(try net.chain.acceptedTransactions.map { try KoinosNonce.decode($0.header.nonce) } == [1, 2, 3])

        net.chain.produceBlock()
        await node.submitter.tick()
        #expect(node.queue.submission(for: first)?.status == .completed)
        #expect(node.queue.submission(for: second)?.status == .completed)
        #expect(net.chain.stateNonce(net.validators[0].address) == 3)
    }

    @Test func manaShortfallBacksOffExponentiallyWithoutTouchingTheChainThenRecovers() async throws {
        let net = ScriptedSubmitterNetwork(validators: 1)
        let node = net.node(net.validators[0])
        let payer = net.validators[0].address
        net.chain.setMana(payer, 999_999)  // below the 1,000,000 minimum
        let id = try net.reachQuorum(net.transfer(), in: [node])
        let start = net.clock.nowMilliseconds

        await node.submitter.tick()
        var row = try #require(node.queue.submission(for: id))
        #expect(row.status == .failed && row.lastError?.contains("mana") == true)
        #expect(row.nextAttemptAtMs == start + 500)
        await node.submitter.tick()
        #expect(node.queue.submission(for: id)?.attempts == 1)  // waits for the backoff
        net.clock.advance(milliseconds: 500)
        await node.submitter.tick()
        row = try #require(node.queue.submission(for: id))
        #expect(row.attempts == 2 && row.nextAttemptAtMs == start + 500 + 1_000)
        #expect(net.chain.acceptedTransactions.isEmpty && net.chain.refusals.isEmpty)
        #expect(node.queue.status(of: id) == .quorum)  // nothing dropped

        net.chain.setMana(payer, 5_000_000_000)
        net.clock.advance(milliseconds: 1_000)
        await node.submitter.tick()
        #expect(node.queue.submission(for: id)?.status == .submitted)
        net.chain.produceBlock()
        await node.submitter.tick()
        #expect(node.queue.submission(for: id)?.status == .completed)
    }

    @Test func aBurstWaitsForMempoolRoomInsteadOfFailing() async throws {
        let net = ScriptedSubmitterNetwork(validators: 1)
        let node = net.node(net.validators[0]) { $0.maxTransfersPerTransaction = 1 }
        var ids: [String] = []
        for _ in 0..<12 { ids.append(try net.reachQuorum(net.transfer(), in: [node])) }

        await node.submitter.tick()
        #expect(ids.filter { node.queue.submission(for: $0)?.status == .submitted }.count == 10)
        #expect(ids.filter { node.queue.submission(for: $0) == nil }.count == 2)  // deferred, nothing written
        #expect(net.chain.pending.count == 10 && net.chain.refusals.isEmpty)

        net.chain.produceBlock()
        await node.submitter.tick()  // ten completed, and the two sent in the room the block made
        #expect(ids.filter { node.queue.submission(for: $0)?.status == .completed }.count == 10)
        #expect(net.chain.pending.count == 2)
        net.chain.produceBlock()
        await node.submitter.tick()
        #expect(ids.allSatisfy { node.queue.submission(for: $0)?.status == .completed })
        #expect(net.chain.refusals.isEmpty && net.chain.completedTransfers.count == 12)
    }

    @Test func theChainsPendingLimitRefusalWaitsOnlyUntilTheNextPoll() async throws {
        let net = ScriptedSubmitterNetwork(validators: 1)
        let node = net.node(net.validators[0])
        for _ in 0..<10 { try await net.submitOutside(from: net.validators[0]) }  // another process filled the mempool
        let id = try net.reachQuorum(net.transfer(), in: [node])
        await node.submitter.tick()
        let row = try #require(node.queue.submission(for: id))
        #expect(row.status == .failed && row.lastError?.contains("pending transaction limit") == true)
        #expect(try #require(row.nextAttemptAtMs) <= net.clock.nowMilliseconds + 1_000)
        #expect(net.chain.refusals.last?.kind == .pendingLimitExceeded)

        net.chain.produceBlock()
        net.clock.advance(milliseconds: 1_000)
        await node.submitter.tick()
        #expect(node.queue.submission(for: id)?.status == .submitted)
    }
}
