// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeKoinos
import BridgeTesting
import ChainCrypto
import Koinos
import Testing

/// Several `complete_transfer` operations in one Koinos transaction: the pure grouping and
/// fallback rules, and the real interpreter against the scripted chain (one revert reverts all).
struct SubmitterBatchingTests {
    func planner(maxTransfers: Int = 20, maxBytes: Int = 65_536) -> SubmissionPlanner {
        var c = KoinosSubmitterConfiguration(bridgeContract: ScriptedSubmitterNetwork.bridge, profile: .v1, payerKey: .generate())
        c.maxTransfersPerTransaction = maxTransfers
        c.maxTransactionBytes = maxBytes
        return SubmissionPlanner(configuration: c)
    }

    @Test func batchesKeepTheOrderAndRespectTheCountAndByteBounds() {
        let sixty = [BatchCandidate](repeating: BatchCandidate(argumentBytes: 600), count: 60)
        #expect(planner().batches(sixty).map(\.count) == [20, 20, 20])
        #expect(planner().batches(sixty).flatMap { $0 } == Array(0..<60))
        #expect(planner(maxTransfers: 1).batches(sixty).count == 60)
        #expect(planner(maxTransfers: 0).batches(sixty).count == 60)  // never an empty transaction
        #expect(planner(maxBytes: 2_000).batches(sixty).map(\.count) == [Int](repeating: 3, count: 20))
        // One transfer larger than the byte bound still goes, alone.
        #expect(planner(maxBytes: 500).batches([BatchCandidate(argumentBytes: 600), BatchCandidate(argumentBytes: 600)]) == [[0], [1]])
        // A claim signed with a recipient key goes in its own transaction; the others keep batching.
        let mixed = [BatchCandidate(argumentBytes: 600), BatchCandidate(argumentBytes: 600, needsOwnTransaction: true), BatchCandidate(argumentBytes: 600)]
        #expect(planner().batches(mixed) == [[1], [0, 2]])
        #expect(planner().batches([]).isEmpty)
    }

    @Test func onlyARefusalCausedByAMemberSendsTheMembersAlone() {
        func chain(_ code: Int64, _ message: String = "x") -> KoinosError { .chain(KoinosChainFailure(code: code, message: message)) }
        #expect(SubmissionFailure.sendsMembersAlone(chain(1, "transfer already completed"), count: 20))
        #expect(SubmissionFailure.sendsMembersAlone(chain(-1002), count: 2))
        #expect(!SubmissionFailure.sendsMembersAlone(chain(1, "transfer already completed"), count: 1))
        #expect(!SubmissionFailure.sendsMembersAlone(chain(-201), count: 20))  // nonce: the account, not a member
        #expect(!SubmissionFailure.sendsMembersAlone(chain(104), count: 20))
        #expect(!SubmissionFailure.sendsMembersAlone(chain(-206), count: 20))
        #expect(!SubmissionFailure.sendsMembersAlone(KoinosError.unreachable("down"), count: 20))
        #expect(!SubmissionFailure.sendsMembersAlone(SubmissionManaShortfall(mana: 0, minimum: 1), count: 20))
    }

    @Test func sixtyTransfersGoInThreeTransactionsAndCompleteInOneBlock() async throws {
        let net = ScriptedSubmitterNetwork(validators: 3)
        let node = net.node(net.validators[0]) { $0.takeoverTimeoutMs = 0 }
        var ids: [String] = []
        for _ in 0..<60 { ids.append(try net.reachQuorum(net.transfer(), in: [node])) }
        await node.submitter.tick()
        #expect(net.chain.acceptedTransactions.map(\.operations.count) == [20, 20, 20])
        #expect(Set(ids.compactMap { node.queue.submission(for: $0)?.koinosTransactionID }).count == 3)
        net.chain.produceBlock()
        await node.submitter.tick()
        #expect(ids.allSatisfy { node.queue.submission(for: $0)?.status == .completed })
        #expect(net.chain.completedTransfers.count == 60 && net.chain.refusals.isEmpty)
    }

    @Test func aBatchHoldingATransferCompletedMeanwhileFallsBackToSingleTransfers() async throws {
        let net = ScriptedSubmitterNetwork(validators: 3)
        let node = net.node(net.validators[0]) { $0.takeoverTimeoutMs = 0 }
        let messages = (0..<5).map { _ in net.transfer() }
        let ids = try messages.map { try net.reachQuorum($0, in: [node]) }
        // Another relayer's completion of the third one is in the mempool: head state still says open.
        try await net.submitOutside(from: net.validators[1], operations: [try net.completeTransferOperation(messages[2])])

        await node.submitter.tick()
        #expect(net.chain.refusals.map(\.message) == ["transfer already completed", "transfer already completed"])
        #expect(net.chain.acceptedTransactions.dropFirst().map(\.operations.count) == [1, 1, 1, 1])  // the four others, alone
        #expect(node.queue.submission(for: ids[2])?.status == .failed)
        #expect([0, 1, 3, 4].allSatisfy { node.queue.submission(for: ids[$0])?.status == .submitted })

        net.chain.produceBlock()
        net.clock.advance(milliseconds: 10_000)
        await node.submitter.tick()
        #expect(ids.allSatisfy { node.queue.submission(for: $0)?.status == .completed })
        #expect(net.chain.completedTransfers.count == 5)
    }
}
