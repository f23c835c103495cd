// SPDX-License-Identifier: Apache-2.0
import BridgeAttestation
import BridgeCore
import Testing

/// Hold-and-verify, on the pure pool with a virtual clock: which unverified peer signatures it asks
/// to recover (`verifySignatures`), which wait, which are dropped unrecovered.
@Suite struct AttestationPoolVerificationTests {
    /// Ordered by address: index = rank. Q(7) = 5, so ranks 5 and 6 are outside the lowest quorum.
    let validators = (1...7).map { i in [UInt8(0)] + Array(repeating: UInt8(i), count: 24) }
    var set: ValidatorSet { ValidatorSet(validators) }
    let id = ObservationID(chainID: 1, transactionHash: Array(repeating: 1, count: 32), logIndex: 0)
    let digest = Array(repeating: UInt8(0xd1), count: 32)
    let hold: UInt64 = 2_000

    func signed(_ validator: Int, digest: [UInt8]? = nil, id: ObservationID? = nil) -> SignedObservation {
        SignedObservation(
            observationID: id ?? self.id, profile: .v1, digest: digest ?? self.digest,
            signature: ValidatorSignature(validator: validators[validator], signature: [UInt8(validator)] + Array(repeating: 0x55, count: 64)))
    }

    func toVerify(_ actions: [AttestationPool.Action]) -> [SignedObservation] {
        actions.flatMap { action -> [SignedObservation] in
            if case .verifySignatures(let items) = action { items } else { [] }
        }
    }

    func quorums(_ actions: [AttestationPool.Action]) -> [QuorumRecord] {
        actions.compactMap { if case .markQuorum(let r) = $0 { r } else { nil } }
    }

    func pool(hold: UInt64? = nil, maxHeld: Int? = nil) -> AttestationPool {
        var configuration = AttestationPoolConfiguration()
        configuration.verificationHoldMilliseconds = hold ?? self.hold
        if let maxHeld { configuration.maxHeldSignatures = maxHeld }
        return AttestationPool(validators: set, configuration: configuration)
    }

    @Test func signaturesOutsideTheLowestQuorumWaitAndAreNeverRecoveredOnceTheSetIsComplete() {
        var pool = pool()
        _ = pool.observe(signed(0), atMilliseconds: 0)
        // The two highest addresses arrive first: nothing to recover yet, nothing counts.
        #expect(pool.receive(unverified: [signed(6), signed(5)], atMilliseconds: 1).isEmpty)
        #expect(pool.heldSignatureCount == 2)
        #expect(pool.signatures(for: digest).count == 1)
        // The lowest ones are recovered at once…
        #expect(toVerify(pool.receive(unverified: (1...4).map { signed($0) }, atMilliseconds: 2)) == (1...4).map { signed($0) })
        let record = try! #require(quorums(pool.receive((1...4).map { signed($0) }, atMilliseconds: 3)).first)
        #expect(record.submissionSet.map(\.validator) == Array(validators.prefix(5)))
        // …and complete the set: the held ones can never enter it and are dropped unrecovered.
        #expect(pool.heldSignatureCount == 0)
        #expect(toVerify(pool.tick(atMilliseconds: 1 + hold)).isEmpty)
        #expect(pool.receive(unverified: [signed(5)], atMilliseconds: 4 + hold).isEmpty)
        #expect(pool.heldSignatureCount == 0)
    }

    @Test func heldSignaturesAreRecoveredWhenTheHoldEndsWithoutQuorum() {
        var pool = pool()
        _ = pool.observe(signed(0), atMilliseconds: 0)
        // Validators 3 and 4 are offline; 1 and 2 are recovered at once, 5 and 6 wait.
        #expect(toVerify(pool.receive(unverified: [signed(1), signed(5), signed(2), signed(6)], atMilliseconds: 10)) == [signed(1), signed(2)])
        #expect(quorums(pool.receive([signed(1), signed(2)], atMilliseconds: 11)).isEmpty)
        // A repeat does not extend the hold.
        #expect(pool.receive(unverified: [signed(5)], atMilliseconds: 500).isEmpty)
        #expect(pool.heldSignatureCount == 2)
        #expect(toVerify(pool.tick(atMilliseconds: 10 + hold - 1)).isEmpty)
        #expect(toVerify(pool.tick(atMilliseconds: 10 + hold)) == [signed(5), signed(6)])
        #expect(pool.heldSignatureCount == 0)
        let record = try! #require(quorums(pool.receive([signed(5), signed(6)], atMilliseconds: 10 + hold)).first)
        #expect(record.submissionSet.map(\.validator) == [0, 1, 2, 5, 6].map { validators[$0] })
        // A late lower address still improves the set: recovered at once.
        #expect(toVerify(pool.receive(unverified: [signed(3)], atMilliseconds: 10 + hold + 1)) == [signed(3)])
    }

    @Test func signaturesThatMayBeEvidenceOrForAnIDWeHaveNotObservedAreRecoveredAtOnce() {
        var pool = pool()
        _ = pool.observe(signed(0), atMilliseconds: 0)
        let other = Array(repeating: UInt8(0xee), count: 32)
        // Validator 6 over another digest for our id: possible equivocation, checked as before.
        #expect(toVerify(pool.receive(unverified: [signed(6, digest: other)], atMilliseconds: 1)) == [signed(6, digest: other)])
        _ = pool.receive([signed(6, digest: other)], atMilliseconds: 1)
        // Its signature over our digest is then evidence: recovered at once, not held.
        #expect(pool.receive(unverified: [signed(6)], atMilliseconds: 2) == [.verifySignatures([signed(6)])])
        #expect(pool.heldSignatureCount == 0)
        let evidence = pool.receive([signed(6)], atMilliseconds: 2).compactMap { if case .recordEvidence(let e) = $0 { e } else { nil } }
        #expect(evidence.map(\.validator) == [validators[6]])
        // An equivocator's later signatures are dropped without a recovery.
        #expect(pool.receive(unverified: [signed(6)], atMilliseconds: 3).isEmpty)
        // An id we have not observed: recovered at once, then held in memory as before.
        let unseen = ObservationID(chainID: 1, transactionHash: Array(repeating: 2, count: 32), logIndex: 0)
        let early = signed(6, digest: other, id: unseen)
        #expect(toVerify(pool.receive(unverified: [early], atMilliseconds: 4 + hold)) == [early])
        // Outside the validator set: dropped.
        let outsider = SignedObservation(
            observationID: id, profile: .v1, digest: digest,
            signature: ValidatorSignature(validator: [0] + Array(repeating: 0x99, count: 24), signature: Array(repeating: 1, count: 65)))
        #expect(pool.receive(unverified: [outsider], atMilliseconds: 5 + hold).isEmpty)
    }

    @Test func theHoldIsBoundedAndCanBeTurnedOff() {
        var bounded = pool(maxHeld: 1)
        _ = bounded.observe(signed(0), atMilliseconds: 0)
        #expect(toVerify(bounded.receive(unverified: [signed(5), signed(6)], atMilliseconds: 1)) == [signed(6)])
        #expect(bounded.heldSignatureCount == 1)
        var off = pool(hold: 0)
        _ = off.observe(signed(0), atMilliseconds: 0)
        #expect(toVerify(off.receive(unverified: [signed(5), signed(6)], atMilliseconds: 1)) == [signed(5), signed(6)])
        #expect(off.heldSignatureCount == 0)
    }

    @Test func heldSignaturesLeaveMemoryWithTheirDigest() {
        var configuration = AttestationPoolConfiguration()
        configuration.giveUpAfterMilliseconds = 10_000
        configuration.verificationHoldMilliseconds = 60_000
        var pool = AttestationPool(validators: set, configuration: configuration)
        _ = pool.observe(signed(0), atMilliseconds: 0)
        _ = pool.receive(unverified: [signed(5), signed(6)], atMilliseconds: 1)
        #expect(pool.heldSignatureCount == 2)
        let expired = pool.tick(atMilliseconds: 10_000)
        #expect(expired.contains(.markExpired([id])))
        #expect(pool.heldSignatureCount == 0)
        #expect(toVerify(pool.tick(atMilliseconds: 70_000)).isEmpty)
        #expect(pool.receive(unverified: [signed(5)], atMilliseconds: 70_001).isEmpty)
    }
}
