// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeKoinos
import BridgeSigning
import BridgeStore
import ChainCrypto
import Testing

/// The submitter's decisions on a virtual clock, with no Koinos node: rotation and takeover, the
/// v2 relayer rule, watch-only policy, membership, follow-up of our own transaction, and refusal
/// of rows that cannot be sent.
struct SubmissionPlannerTests {
    static let bridge = [UInt8](repeating: 4, count: 25)
    static let origin: UInt64 = 1_700_000_000_000
    let validators = TestValidator.make(3)
    var set: ValidatorSet { ValidatorSet(validators.map(\.address)) }

    func configuration(for v: TestValidator, profile: ContractProfile = .v1) -> KoinosSubmitterConfiguration {
        var c = KoinosSubmitterConfiguration(bridgeContract: Self.bridge, profile: profile, payerKey: v.key)
        c.takeoverTimeoutMs = 60_000
        c.turnRecheckIntervalMs = 2_000
        c.recheckIntervalMs = 10_000
        return c
    }

    static func observation(profile: ContractProfile = .v1, relayer: [UInt8] = [], recipient: [UInt8] = [UInt8](repeating: 3, count: 25), seed: UInt8 = 1)
        -> SubmittableObservation
    {
        let message = KoinosTransferMessage(
            profile: profile, transactionID: [UInt8](repeating: seed, count: 32), token: [UInt8](repeating: 2, count: 25), recipient: recipient,
            relayer: relayer, amount: 77, payment: 0, metadata: "", contractID: bridge, expiration: origin + 3_600_000,
            chain: profile == .v2 ? 1 : 0)
        let id = ObservationID(chainID: 31337, transactionHash: message.transactionID, logIndex: 0).description
        return SubmittableObservation(
            id: id, profile: profile, status: .quorum, message: message.encoded(), digest: message.digest, quorumAtMs: origin, signatures: [],
            submission: nil)
    }

    static func pending(_ o: SubmittableObservation) -> SubmissionRecord {
        SubmissionRecord(observationID: o.id, status: .pending, updatedAtMs: origin)
    }

    /// Exactly one validator sends at the quorum time; the next takes over one timeout later, and
    /// so on; those waiting look again every `turnRecheckIntervalMs`.
    @Test func oneSubmitterAtATimeThenTakeover() {
        let o = Self.observation()
        let first = SubmitterRotation.firstIndex(observationID: o.id, validatorCount: 3)
        for (index, v) in validators.enumerated() {
            let planner = SubmissionPlanner(configuration: configuration(for: v))
            let turn = (index - first + 3) % 3
            let atQuorum = planner.step(for: o, record: Self.pending(o), validators: set, nowMs: Self.origin)
            if turn == 0 {
                #expect(atQuorum == .send(recipientKeyIndex: nil))
            } else {
                #expect(atQuorum == .watch(reason: "waiting for this node's turn in the submitter rotation", retryAtMs: Self.origin + 2_000))
            }
            let myTurn = Self.origin + UInt64(turn) * 60_000
            #expect(planner.step(for: o, record: Self.pending(o), validators: set, nowMs: myTurn) == .send(recipientKeyIndex: nil))
            if turn > 0 {
                let justBefore = planner.step(for: o, record: Self.pending(o), validators: set, nowMs: myTurn - 1)
                #expect(justBefore == .watch(reason: "waiting for this node's turn in the submitter rotation", retryAtMs: myTurn))
            }
        }
    }

    @Test func aNodeOutsideTheSetAndAWatchOnlyNodeNeverSend() {
        let o = Self.observation()
        let outsider = TestValidator(key: .generate())
        let late = Self.origin + 10 * 60_000
        #expect(SubmissionPlanner(configuration: configuration(for: outsider)).step(for: o, record: Self.pending(o), validators: set, nowMs: late)
            == .watch(reason: "this node is not a current validator", retryAtMs: late + 10_000))
        var watchOnly = configuration(for: validators[0])
        watchOnly.sendsTransactions = false
        #expect(SubmissionPlanner(configuration: watchOnly).step(for: o, record: Self.pending(o), validators: set, nowMs: late)
            == .watch(reason: "relayer_policy none: this node attests and never submits", retryAtMs: late + 10_000))
    }

    /// v2: the named relayer sends at once, whoever's turn it is; everyone else only watches.
    @Test func v2TransfersAreSentByTheirRelayer() {
        let relayer = validators[2]
        let o = Self.observation(profile: .v2, relayer: relayer.address)
        for v in validators {
            let step = SubmissionPlanner(configuration: configuration(for: v, profile: .v2)).step(
                for: o, record: Self.pending(o), validators: set, nowMs: Self.origin)
            if v.address == relayer.address {
                #expect(step == .send(recipientKeyIndex: nil))
            } else {
                #expect(step == .watch(reason: "v2: the relayer is another account; it claims the transfer", retryAtMs: Self.origin + 10_000))
            }
        }
        let recipient = TestValidator(key: .generate())
        let claimable = Self.observation(profile: .v2, recipient: recipient.address, seed: 9)
        var holder = configuration(for: validators[0], profile: .v2)
        holder.recipientKeys = [TestValidator(key: .generate()).key, recipient.key]
        let late = Self.origin + 3 * 60_000
        #expect(SubmissionPlanner(configuration: holder).step(for: claimable, record: Self.pending(claimable), validators: set, nowMs: late)
            == .send(recipientKeyIndex: 1))
    }

    @Test func ourTransactionIsFollowedAndBackoffIsRespected() {
        let o = Self.observation()
        let planner = SubmissionPlanner(configuration: configuration(for: validators[0]))
        var record = Self.pending(o)
        record.status = .submitted
        record.koinosTransactionID = [0x12, 0x20] + [UInt8](repeating: 7, count: 32)
        #expect(planner.step(for: o, record: record, validators: set, nowMs: Self.origin) == .follow(transactionID: record.koinosTransactionID!))
        var failed = Self.pending(o)
        failed.status = .failed
        failed.nextAttemptAtMs = Self.origin + 5_000
        #expect(planner.step(for: o, record: failed, validators: set, nowMs: Self.origin + 4_999) == .nothing)
        #expect(planner.step(for: o, record: failed, validators: set, nowMs: Self.origin + 5_000) != .nothing)
        var done = Self.pending(o)
        done.status = .completed
        #expect(planner.step(for: o, record: done, validators: set, nowMs: Self.origin) == .recordObservationCompleted)
        var completedObservation = o
        completedObservation.status = .completed
        #expect(planner.step(for: completedObservation, record: done, validators: set, nowMs: Self.origin) == .nothing)
    }

    @Test func rowsThatCannotBeSentAreParkedWithAReason() {
        let planner = SubmissionPlanner(configuration: configuration(for: validators[0]))
        var tampered = Self.observation()
        tampered.digest[0] ^= 1
        #expect(planner.step(for: tampered, record: Self.pending(tampered), validators: set, nowMs: Self.origin)
            == .park(reason: "stored message does not decode to its digest", retryAtMs: Self.origin + 60_000))
        let otherProfile = Self.observation(profile: .v2)
        #expect(planner.step(for: otherProfile, record: Self.pending(otherProfile), validators: set, nowMs: Self.origin)
            == .park(reason: "message is for another bridge contract or profile", retryAtMs: Self.origin + 60_000))
    }
}
