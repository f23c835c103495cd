// SPDX-License-Identifier: Apache-2.0
import BridgeAttestation
import BridgeCore
import Testing

/// Re-signing (§2.7) in the pure pool: a transfer signed again with a new expiration has a new
/// digest; the two sets never mix and a second signature by the same validator is not equivocation.
@Suite struct AttestationPoolResignTests {
    let validators = (1...4).map { i in [UInt8(0)] + Array(repeating: UInt8(i), count: 24) }
    var set: ValidatorSet { ValidatorSet(validators) }
    let id = ObservationID(chainID: 1, transactionHash: Array(repeating: 1, count: 32), logIndex: 0)
    let old = Array(repeating: UInt8(0xd1), count: 32)
    let new = Array(repeating: UInt8(0xd2), count: 32)

    func signed(_ validator: Int, _ digest: [UInt8]) -> SignedObservation {
        SignedObservation(
            observationID: id, profile: .v1, digest: digest,
            signature: ValidatorSignature(validator: validators[validator], signature: [UInt8(validator)] + digest.prefix(1) + Array(repeating: 0x55, count: 63)))
    }

    func evidence(_ actions: [AttestationPool.Action]) -> [EquivocationEvidence] {
        actions.compactMap { if case .recordEvidence(let e) = $0 { e } else { nil } }
    }

    func quorums(_ actions: [AttestationPool.Action]) -> [QuorumRecord] {
        actions.compactMap { if case .markQuorum(let r) = $0 { r } else { nil } }
    }

    func pool(grace: UInt64 = 600_000) -> AttestationPool {
        var configuration = AttestationPoolConfiguration()
        configuration.resignGraceMilliseconds = grace
        return AttestationPool(validators: set, configuration: configuration)
    }

    /// Q(4) = 3 (v1: 2/3 + 1 of 4). The old set had quorum; after our re-sign the new set needs
    /// three new signatures, the old ones never count for it, and nobody is an equivocator.
    @Test func aResignStartsANewSetThatNeverMixesWithTheOldOne() {
        var pool = pool()
        _ = pool.observe(signed(0, old), atMilliseconds: 0)
        #expect(quorums(pool.receive([signed(1, old), signed(2, old)], atMilliseconds: 1)).count == 1)
        let resigned = pool.observe(signed(0, new), atMilliseconds: 10)
        #expect(resigned.contains(.broadcastSignatures([signed(0, new)])), "the new signature is gossiped like the first")
        #expect(pool.quorum(for: old) == nil, "the old set left memory")
        #expect(pool.isFinal(old))
        #expect(quorums(pool.receive([signed(3, old)], atMilliseconds: 11)).isEmpty, "a late old signature counts nowhere")
        let one = pool.receive([signed(1, new)], atMilliseconds: 12)
        #expect(evidence(one).isEmpty, "validator 1 signing the new digest is not equivocation")
        #expect(quorums(one).isEmpty)
        let two = pool.receive([signed(2, new)], atMilliseconds: 13)
        let record = try! #require(quorums(two).first)
        #expect(record.digest == new)
        #expect(record.submissionSet.map(\.validator) == Array(validators.prefix(3)))
        #expect(pool.equivocators(for: id).isEmpty)
    }

    /// A peer that honoured the request first sends its new-digest signature while we still hold
    /// the old digest: held, then counted once our own watcher re-signs.
    @Test func aPeersNewSignatureThatCameFirstCountsAfterOurResign() {
        var pool = pool()
        _ = pool.observe(signed(0, old), atMilliseconds: 0)
        _ = pool.receive([signed(1, old), signed(2, old)], atMilliseconds: 1)
        let early = pool.receive([signed(1, new), signed(2, new)], atMilliseconds: 5)
        #expect(evidence(early).isEmpty)
        #expect(pool.parkedConflictCount == 2)
        let actions = pool.observe(signed(0, new), atMilliseconds: 6)
        #expect(actions.contains(.persistSignatures([signed(1, new), signed(2, new)])))
        #expect(quorums(actions).first?.digest == new)
        #expect(pool.parkedConflictCount == 0)
        #expect(evidence(pool.tick(atMilliseconds: 6 + 600_000)).isEmpty)
    }

    /// The same conflict with no re-sign of ours within the grace period is equivocation, as before.
    @Test func aSecondDigestWithoutAResignIsEquivocationAfterTheGracePeriod() {
        var pool = pool()
        _ = pool.observe(signed(0, old), atMilliseconds: 0)
        _ = pool.receive([signed(1, old)], atMilliseconds: 1)
        #expect(evidence(pool.receive([signed(1, new)], atMilliseconds: 2)).isEmpty)
        #expect(evidence(pool.tick(atMilliseconds: 2 + 599_999)).isEmpty)
        let found = evidence(pool.tick(atMilliseconds: 2 + 600_000))
        #expect(found.count == 1)
        #expect(found.first?.firstDigest == old)
        #expect(found.first?.secondDigest == new)
        #expect(pool.equivocators(for: id) == [validators[1]])
        #expect(!pool.signatures(for: old).contains { $0.validator == validators[1] })
    }

    /// Without a grace period (the default), a conflict is equivocation at once.
    @Test func noGraceMeansEquivocationAtOnce() {
        var pool = pool(grace: 0)
        _ = pool.observe(signed(0, old), atMilliseconds: 0)
        _ = pool.receive([signed(1, old)], atMilliseconds: 1)
        #expect(evidence(pool.receive([signed(1, new)], atMilliseconds: 2)).count == 1)
    }

    /// After a restart the old digest is retired (the aggregator does so for every digest we
    /// signed that is no longer the transfer's): peers' old signatures restored from the store
    /// neither count nor turn their new ones into equivocation.
    @Test func aRetiredDigestIsIgnoredAfterARestart() {
        var pool = pool(grace: 0)
        pool.retire(old)
        _ = pool.observe(signed(0, new), atMilliseconds: 0)
        #expect(pool.receive([signed(1, old)], atMilliseconds: 1).isEmpty)
        let actions = pool.receive([signed(1, new), signed(2, new)], atMilliseconds: 2)
        #expect(evidence(actions).isEmpty)
        #expect(quorums(actions).first?.digest == new)
    }
}
