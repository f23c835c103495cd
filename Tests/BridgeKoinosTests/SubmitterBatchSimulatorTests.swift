// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeKoinos
import BridgeSigning
import BridgeStore
import BridgeTesting
import ChainCrypto
import Koinos
import KoinosTestSupport
import Testing

/// Batched `complete_transfer` against the Koinos simulator (real transactions, real contract
/// rules: one reverting operation reverts the transaction). Skipped only with `BRIDGE_SKIP_DEVNET=1`.
struct SubmitterBatchSimulatorTests {
    @Test(.timeLimit(.minutes(2)))
    func sixtyTransfersCompleteInThreeTransactionsOfOneBlockAndACompletedOneDoesNotBlockTheOthers() async throws {
        let validators = TestValidator.make(3)
        guard let sim = try await KoinosSimulatorProcess.start(validators: validators, profile: .v1) else { return }
        let clock = VirtualClock(startMilliseconds: SubmitterSimulatorTests.wallNow)
        let node = try sim.node(validators[0], profile: .v1, clock: clock, takeoverMs: 0)
        let recipient = TestValidator(key: .generate()).address
        var ids: [String] = []
        for i in 0..<60 {
            let message = QuorumFixture.message(sim, profile: .v1, recipient: recipient, amount: UInt64(1 + i), nowMs: clock.nowMilliseconds)
            ids.append(try QuorumFixture.store(message, signers: validators, in: node.db, quorumAtMs: clock.nowMilliseconds))
        }
        await node.submitter.tick()
        var txIDs = Set<[UInt8]>()
        for id in ids { if let tx = try await node.db.submission(for: id)?.koinosTransactionID { txIDs.insert(tx) } }
        #expect(txIDs.count == 3)
        try await sim.produceBlock()
        await node.submitter.tick()
        for id in ids { #expect(try await node.db.submission(for: id)?.status == .completed) }
        #expect(try await sim.rpc.transactionsByID(Array(txIDs)).filter { !$0.containingBlocks.isEmpty }.count == 3)
        #expect(try await sim.balance(recipient) == (1...60).reduce(0) { $0 + UInt64($1) })

        // Another relayer's completion of one transfer waits in the mempool: our batch of five
        // reverts as a whole, and the four others go alone.
        let messages = (0..<5).map { _ in QuorumFixture.message(sim, profile: .v1, recipient: recipient, amount: 1_000, nowMs: clock.nowMilliseconds) }
        let batch = try messages.map { try QuorumFixture.store($0, signers: validators, in: node.db, quorumAtMs: clock.nowMilliseconds) }
        let signatures = try validators.prefix(2).map { try KoinosSignature.sign(digest: messages[2].digest, key: $0.key) }
        try await sim.submitCall(
            from: validators[1], entryPoint: KoinosEntryPoint.completeTransfer,
            args: messages[2].completeTransferArguments(signatures: signatures).encoded(.v1))
        await node.submitter.tick()
        #expect(try await node.db.submission(for: batch[2])?.lastError == "rejected: transfer already completed")
        for i in [0, 1, 3, 4] { #expect(try await node.db.submission(for: batch[i])?.status == .submitted) }
        try await sim.produceBlock()
        clock.advance(milliseconds: 10_000)
        await node.submitter.tick()
        for id in batch { #expect(try await node.db.submission(for: id)?.status == .completed) }
        #expect(try await sim.balance(recipient) == (1...60).reduce(0) { $0 + UInt64($1) } + 5_000)
        await sim.stop()
    }
}
