// SPDX-License-Identifier: Apache-2.0
import JSONRPC
import BridgeCore
import BridgeKoinos
import BridgeSigning
import BridgeStore
import BridgeTesting
import ChainCrypto
import Foundation
import JSONRPC
import Koinos
import KoinosTestSupport
import Testing

/// The submitter against the Koinos simulator (real transactions, real signatures, real contract
/// rules). Skipped only with `BRIDGE_SKIP_DEVNET=1`.
@Suite(.serialized)
struct SubmitterSimulatorTests {
    static var wallNow: UInt64 { SystemBridgeClock().nowMilliseconds }

    @Test func attestationIsSubmittedOnceAndASecondSubmissionIsNeverSent() async throws {
        let validators = TestValidator.make(3)
        guard let sim = try await KoinosSimulatorProcess.start(validators: validators, profile: .v1) else { return }
        let clock = VirtualClock(startMilliseconds: Self.wallNow)
        let recipient = TestValidator(key: .generate()).address
        let message = QuorumFixture.message(sim, profile: .v1, recipient: recipient, amount: 123_456, nowMs: clock.nowMilliseconds)
        let id = QuorumFixture.observationID(message.transactionID)
        let first = SubmitterRotation.firstIndex(observationID: id, validatorCount: 3)
        let primary = try sim.node(validators[first], profile: .v1, clock: clock)
        let next = try sim.node(validators[(first + 1) % 3], profile: .v1, clock: clock)
        for node in [primary, next] { try QuorumFixture.store(message, signers: validators, in: node.db, quorumAtMs: clock.nowMilliseconds) }
        let before = try await sim.balance(recipient)

        await primary.submitter.tick()
        await next.submitter.tick()
        let submitted = try #require(try await primary.db.submission(for: id))
        #expect(submitted.status == .submitted)
        let txID = try #require(submitted.koinosTransactionID)
        #expect(try await next.db.submission(for: id)?.status == .pending)  // not its turn
        #expect(try await next.db.submission(for: id)?.lastError?.contains("turn") == true)

        try await sim.produceBlock()
        await primary.submitter.tick()
        #expect(try await primary.db.submission(for: id)?.status == .completed)
        #expect(try QuorumFixture.observationStatus(id, in: primary.db) == "completed")
        #expect(try await sim.balance(recipient) == before + 123_456)
        #expect(try await sim.rpc.transactionsByID([txID]).first?.containingBlocks.isEmpty == false)

        // The contract refuses the same transfer again…
        let signatures = try validators.prefix(2).map { try KoinosSignature.sign(digest: message.digest, key: $0.key) }
        let duplicate = message.completeTransferArguments(signatures: signatures).encoded(.v1)
        var refusal: KoinosChainFailure?
        do {
            try await sim.submitCall(from: next.validator, entryPoint: KoinosEntryPoint.completeTransfer, args: duplicate)
        } catch let error as KoinosError {
            if case .chain(let failure) = error { refusal = failure }
        }
        #expect(refusal?.kind == .reverted)
        #expect(refusal?.message == "transfer already completed")
        // …and a correct node never sends it: at its turn it reads the status and stops.
        clock.advance(milliseconds: 10_001)
        await next.submitter.tick()
        let nextRow = try #require(try await next.db.submission(for: id))
        #expect(nextRow.status == .completed && nextRow.koinosTransactionID == nil)
        #expect(try await sim.rpc.accountNonce(next.validator.address) == 0)
        #expect(try await sim.balance(recipient) == before + 123_456)
        await sim.stop()
    }

    @Test func signatureOfARemovedValidatorIsLeftOut() async throws {
        let validators = TestValidator.make(4)
        guard let sim = try await KoinosSimulatorProcess.start(validators: validators, profile: .v1) else { return }
        let clock = VirtualClock(startMilliseconds: Self.wallNow)
        let node = try sim.node(validators[0], profile: .v1, clock: clock, takeoverMs: 0) { $0.validatorRefreshIntervalMs = 5_000 }
        await node.submitter.tick()  // reads the set of four from the contract

        let removed = validators[3]
        let args = try RemoveValidatorCall.args(
            removing: removed.address, signers: Array(validators.prefix(3)), nonce: 1, bridge: sim.bridge, expiration: clock.nowMilliseconds + 600_000)
        try await sim.submitCall(from: validators[1], entryPoint: RemoveValidatorCall.entryPoint, args: args)
        try await sim.produceBlock()

        let recipient = TestValidator(key: .generate()).address
        let message = QuorumFixture.message(sim, profile: .v1, recipient: recipient, amount: 5_000, nowMs: clock.nowMilliseconds)
        // The removed validator signed, plus two current ones: with the old set (N=4, Q=3) its
        // signature would be sent and the contract would revert the whole call.
        let id = try QuorumFixture.store(message, signers: [removed, validators[1], validators[2]], in: node.db, quorumAtMs: clock.nowMilliseconds)
        clock.advance(milliseconds: 5_001)  // the periodic refresh is due: the change takes effect without restart
        await node.submitter.tick()
        let row = try #require(try await node.db.submission(for: id))
        #expect(row.status == .submitted, "\(row.lastError ?? "")")
        try await sim.produceBlock()
        await node.submitter.tick()
        #expect(try await node.db.submission(for: id)?.status == .completed)
        #expect(try await sim.balance(recipient) == 5_000)
        await sim.stop()
    }

    @Test func nonceConflictsAndManaExhaustionRecover() async throws {
        let validators = TestValidator.make(1)
        guard let sim = try await KoinosSimulatorProcess.start(validators: validators, profile: .v1) else { return }
        let clock = VirtualClock(startMilliseconds: Self.wallNow)
        let node = try sim.node(validators[0], profile: .v1, clock: clock)
        let recipient = TestValidator(key: .generate()).address

        let m1 = QuorumFixture.message(sim, profile: .v1, recipient: recipient, amount: 1, nowMs: clock.nowMilliseconds)
        let id1 = try QuorumFixture.store(m1, signers: validators, in: node.db, quorumAtMs: clock.nowMilliseconds)
        await node.submitter.tick()
        #expect(try await node.db.submission(for: id1)?.status == .submitted)

        // Another process uses the same payer: the submitter's cached nonce is now stale.
        let emptyTx = KoinosTransaction.make(
            chainID: try await sim.rpc.chainID(), rcLimit: 10_000_000, nonce: try await sim.rpc.nextNonce(validators[0].address),
            payer: validators[0].address, operations: [])
        var signed = emptyTx
        try signed.sign(with: validators[0].key)
        _ = try await sim.rpc.submitTransaction(signed)

        let m2 = QuorumFixture.message(sim, profile: .v1, recipient: recipient, amount: 2, nowMs: clock.nowMilliseconds)
        let id2 = try QuorumFixture.store(m2, signers: validators, in: node.db, quorumAtMs: clock.nowMilliseconds)
        await node.submitter.tick()
        let row2 = try #require(try await node.db.submission(for: id2))
        #expect(row2.status == .submitted, "\(row2.lastError ?? "")")
        try await sim.produceBlock()
        await node.submitter.tick()
        #expect(try await node.db.submission(for: id1)?.status == .completed)
        #expect(try await node.db.submission(for: id2)?.status == .completed)
        #expect(try await sim.rpc.accountNonce(validators[0].address) == 3)

        // Mana exhausted: the attempt waits with a reason and a backoff, then recovers.
        try await sim.control("set_account_rc", ["account": .string(validators[0].base58), "rc": .string("0")])
        let m3 = QuorumFixture.message(sim, profile: .v1, recipient: recipient, amount: 4, nowMs: clock.nowMilliseconds)
        let id3 = try QuorumFixture.store(m3, signers: validators, in: node.db, quorumAtMs: clock.nowMilliseconds)
        await node.submitter.tick()
        let starved = try #require(try await node.db.submission(for: id3))
        #expect(starved.status == .failed)
        #expect(starved.lastError?.contains("mana") == true)
        #expect((starved.nextAttemptAtMs ?? 0) > clock.nowMilliseconds)
        #expect(try QuorumFixture.observationStatus(id3, in: node.db) == "quorum")
        try await sim.control("set_account_rc", ["account": .string(validators[0].base58), "rc": .string("5000000000")])
        clock.advance(milliseconds: 60_001)
        await node.submitter.tick()
        #expect(try await node.db.submission(for: id3)?.status == .submitted)
        try await sim.produceBlock()
        await node.submitter.tick()
        #expect(try await node.db.submission(for: id3)?.status == .completed)
        #expect(try await sim.balance(recipient) == 7)
        await sim.stop()
    }

    @Test func deadSubmitterIsReplacedAfterTheTimeoutAndTheTransferCompletesOnce() async throws {
        let validators = TestValidator.make(3)
        guard let sim = try await KoinosSimulatorProcess.start(validators: validators, profile: .v1) else { return }
        let clock = VirtualClock(startMilliseconds: Self.wallNow)
        let recipient = TestValidator(key: .generate()).address
        let message = QuorumFixture.message(sim, profile: .v1, recipient: recipient, amount: 9_999, nowMs: clock.nowMilliseconds)
        let id = QuorumFixture.observationID(message.transactionID)
        let first = SubmitterRotation.firstIndex(observationID: id, validatorCount: 3)
        let nodes = try (0..<3).map { try sim.node(validators[(first + $0) % 3], profile: .v1, clock: clock) }
        for node in nodes { try QuorumFixture.store(message, signers: validators, in: node.db, quorumAtMs: clock.nowMilliseconds) }

        // The first submitter sends, then dies with its transaction still in the mempool, which loses it.
        await nodes[0].submitter.tick()
        #expect(try await nodes[0].db.submission(for: id)?.status == .submitted)
        try await sim.control("drop_pending", ["account": .string(nodes[0].validator.base58)])
        await nodes[1].submitter.tick()
        await nodes[2].submitter.tick()
        try await sim.produceBlock()
        #expect(try await sim.balance(recipient) == 0)
        #expect(try await nodes[1].db.submission(for: id)?.koinosTransactionID == nil)

        clock.advance(milliseconds: 10_001)  // the second in line takes over; the third still waits
        await nodes[1].submitter.tick()
        await nodes[2].submitter.tick()
        #expect(try await nodes[1].db.submission(for: id)?.status == .submitted)
        #expect(try await nodes[2].db.submission(for: id)?.status == .pending)
        try await sim.produceBlock()
        await nodes[1].submitter.tick()
        #expect(try await nodes[1].db.submission(for: id)?.status == .completed)

        // The third is not due for 10 s more, but it re-checks while it waits for its turn: its API
        // shows the transfer completed within seconds, not at its turn.
        clock.advance(milliseconds: 2_001)
        await nodes[2].submitter.tick()
        #expect(try await nodes[2].db.submission(for: id)?.status == .completed)

        clock.advance(milliseconds: 8_000)  // the third's turn: it only sees the completion; the first comes back
        await nodes[2].submitter.tick()
        await nodes[0].submitter.tick()
        #expect(try await nodes[2].db.submission(for: id)?.status == .completed)
        #expect(try await nodes[2].db.submission(for: id)?.koinosTransactionID == nil)
        #expect(try await nodes[0].db.submission(for: id)?.status == .completed)
        try await sim.produceBlock()
        #expect(try await sim.balance(recipient) == 9_999)
        #expect(try await sim.rpc.accountNonce(nodes[2].validator.address) == 0)
        await sim.stop()
    }

    @Test func v2RelayerRuleDecidesWhoSubmits() async throws {
        let validators = TestValidator.make(3)
        guard let sim = try await KoinosSimulatorProcess.start(validators: validators, profile: .v2) else { return }
        let clock = VirtualClock(startMilliseconds: Self.wallNow)
        let recipientKey = TestValidator(key: .generate())
        // Relayer = this node: it submits at once, whatever the rotation says, and is paid.
        let relayerMessage = QuorumFixture.message(
            sim, profile: .v2, recipient: recipientKey.address, amount: 1_000, relayer: validators[0].address, payment: 10,
            nowMs: clock.nowMilliseconds)
        let node = try sim.node(validators[0], profile: .v2, clock: clock, takeoverMs: 3_600_000)
        let id = try QuorumFixture.store(relayerMessage, signers: validators, in: node.db, quorumAtMs: clock.nowMilliseconds)
        // Relayer empty: only the recipient may claim; this node holds no key for it and waits.
        let openMessage = QuorumFixture.message(sim, profile: .v2, recipient: recipientKey.address, amount: 500, nowMs: clock.nowMilliseconds)
        let openID = try QuorumFixture.store(openMessage, signers: validators, in: node.db, quorumAtMs: clock.nowMilliseconds)
        await node.submitter.tick()
        #expect(try await node.db.submission(for: id)?.status == .submitted)
        let waiting = try #require(try await node.db.submission(for: openID))
        #expect(waiting.status == .pending && waiting.koinosTransactionID == nil)
        #expect(waiting.lastError?.contains("relayer empty") == true)
        try await sim.produceBlock()
        await node.submitter.tick()
        #expect(try await node.db.submission(for: id)?.status == .completed)
        #expect(try await sim.balance(recipientKey.address) == 990)
        #expect(try await sim.balance(validators[0].address) == 10)

        // A node configured with the recipient's own key claims the open transfer (signed by both).
        let claimer = try sim.node(validators[1], profile: .v2, clock: clock, takeoverMs: 0) { $0.recipientKeys = [recipientKey.key] }
        try QuorumFixture.store(openMessage, signers: validators, in: claimer.db, quorumAtMs: clock.nowMilliseconds)
        await claimer.submitter.tick()
        #expect(try await claimer.db.submission(for: openID)?.status == .submitted)
        try await sim.produceBlock()
        await claimer.submitter.tick()
        #expect(try await claimer.db.submission(for: openID)?.status == .completed)
        #expect(try await sim.balance(recipientKey.address) == 1_490)
        clock.advance(milliseconds: 1_001)
        await node.submitter.tick()
        #expect(try await node.db.submission(for: openID)?.status == .completed)  // noticed, never sent
        await sim.stop()
    }

    @Test func watchOnlyNodeNeverSendsButNoticesCompletion() async throws {
        let validators = TestValidator.make(3)
        guard let sim = try await KoinosSimulatorProcess.start(validators: validators, profile: .v2) else { return }
        let clock = VirtualClock(startMilliseconds: Self.wallNow)
        let recipient = TestValidator(key: .generate())
        // Relayer = this node, which would normally submit at once; watch-only must not.
        let message = QuorumFixture.message(
            sim, profile: .v2, recipient: recipient.address, amount: 700, relayer: validators[0].address, nowMs: clock.nowMilliseconds)
        let watcher = try sim.node(validators[0], profile: .v2, clock: clock, takeoverMs: 0) { $0.sendsTransactions = false }
        let id = try QuorumFixture.store(message, signers: validators, in: watcher.db, quorumAtMs: clock.nowMilliseconds)
        await watcher.submitter.tick()
        let waiting = try #require(try await watcher.db.submission(for: id))
        #expect(waiting.status == .pending && waiting.koinosTransactionID == nil)
        #expect(waiting.lastError?.contains("relayer_policy none") == true)
        #expect(try await sim.rpc.accountNonce(validators[0].address) == 0)

        // The recipient claims it through a node holding its key; the watch-only node notices.
        let claimer = try sim.node(validators[1], profile: .v2, clock: clock, takeoverMs: 0) { $0.recipientKeys = [recipient.key] }
        try QuorumFixture.store(message, signers: validators, in: claimer.db, quorumAtMs: clock.nowMilliseconds)
        await claimer.submitter.tick()
        try await sim.produceBlock()
        await claimer.submitter.tick()
        #expect(try await claimer.db.submission(for: id)?.status == .completed)
        clock.advance(milliseconds: 60_000)
        await watcher.submitter.tick()
        #expect(try await watcher.db.submission(for: id)?.status == .completed)
        #expect(try await sim.rpc.accountNonce(validators[0].address) == 0)
        await sim.stop()
    }
}
