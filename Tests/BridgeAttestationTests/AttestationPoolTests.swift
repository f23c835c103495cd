// SPDX-License-Identifier: Apache-2.0
import BridgeAttestation
import BridgeCore
import Testing

/// The pure state machine, without crypto (the gossip layer verifies before the pool sees anything).
@Suite struct AttestationPoolTests {
    let validators = (1...7).map { i in [UInt8(0)] + Array(repeating: UInt8(i), count: 24) }
    var set: ValidatorSet { ValidatorSet(validators) }
    let id = ObservationID(chainID: 1, transactionHash: Array(repeating: 1, count: 32), logIndex: 0)
    let digest = Array(repeating: UInt8(0xd1), count: 32)

    func signed(_ validator: Int, digest: [UInt8]? = nil, id: ObservationID? = nil) -> SignedObservation {
        SignedObservation(
            observationID: id ?? self.id, profile: .v1, digest: digest ?? self.digest,
            signature: ValidatorSignature(validator: validators[validator], signature: [UInt8(validator)] + Array(repeating: 0x55, count: 64)))
    }

    func quorums(_ actions: [AttestationPool.Action]) -> [QuorumRecord] {
        actions.compactMap { if case .markQuorum(let r) = $0 { r } else { nil } }
    }

    @Test func peerSignaturesAreHeldUntilOurOwnObservationMatches() {
        var pool = AttestationPool(validators: set)
        let early = pool.receive((1...6).map { signed($0) }, atMilliseconds: 1)
        #expect(early.isEmpty, "held in memory only: nothing persisted before we observe")
        #expect(pool.unobserved.count == 6)
        let actions = pool.observe(signed(0), atMilliseconds: 2)
        #expect(actions.contains(.persistSignatures((1...6).map { signed($0) })))
        #expect(pool.unobserved.count == 0)
        let record = try! #require(quorums(actions).first)
        #expect(record.required == 5)
        #expect(record.have == 7)
        #expect(record.submissionSet.map(\.validator) == Array(validators.prefix(5)))
        #expect(actions.contains(.broadcastSignatures([signed(0)])))
    }

    @Test func ownObservationWithAnotherDigestNeverCountsPeerSignatures() {
        var pool = AttestationPool(validators: set)
        _ = pool.receive((1...6).map { signed($0) }, atMilliseconds: 1)
        let other = Array(repeating: UInt8(0xee), count: 32)
        let actions = pool.observe(signed(0, digest: other), atMilliseconds: 2)
        #expect(quorums(actions).isEmpty)
    }

    @Test func quorumNeedsDistinctCurrentValidators() {
        var pool = AttestationPool(validators: set)
        _ = pool.observe(signed(0), atMilliseconds: 0)
        let outsider = SignedObservation(
            observationID: id, profile: .v1, digest: digest,
            signature: ValidatorSignature(validator: [0] + Array(repeating: 0x99, count: 24), signature: Array(repeating: 1, count: 65)))
        #expect(quorums(pool.receive([signed(1), signed(1), signed(2), outsider], atMilliseconds: 1)).isEmpty)
        #expect(pool.signatures(for: digest).count == 3)
        #expect(quorums(pool.receive([signed(3), signed(4)], atMilliseconds: 2)).count == 1)
    }

    @Test func equivocationProducesEvidenceAndNeitherSignatureCounts() {
        var pool = AttestationPool(validators: set)
        _ = pool.observe(signed(0), atMilliseconds: 0)
        let fake = Array(repeating: UInt8(0xfa), count: 32)
        _ = pool.receive([signed(6)], atMilliseconds: 1)
        let actions = pool.receive([signed(6, digest: fake)], atMilliseconds: 2)
        let evidence = actions.compactMap { if case .recordEvidence(let e) = $0 { e } else { nil } }
        #expect(evidence.count == 1)
        #expect(evidence.first?.validator == validators[6])
        #expect(evidence.first?.firstDigest == digest)
        #expect(evidence.first?.secondDigest == fake)
        #expect(pool.equivocators(for: id) == [validators[6]])
        // Re-sending the first signature does not bring it back.
        _ = pool.receive([signed(6)], atMilliseconds: 3)
        #expect(!pool.signatures(for: digest).contains { $0.validator == validators[6] })
        let record = try! #require(quorums(pool.receive((1...4).map { signed($0) }, atMilliseconds: 4)).first)
        #expect(!record.submissionSet.contains { $0.validator == validators[6] })
    }

    @Test func equivocationAfterQuorumReplacesOrRevokesTheSubmissionSet() {
        var pool = AttestationPool(validators: set)
        _ = pool.observe(signed(0), atMilliseconds: 0)
        _ = pool.receive((1...4).map { signed($0) }, atMilliseconds: 1)
        let fake = Array(repeating: UInt8(0xfa), count: 32)
        let revoke = pool.receive([signed(4, digest: fake)], atMilliseconds: 2)
        #expect(revoke.contains(.revokeQuorum(id, digest: digest)))
        let again = pool.receive([signed(5)], atMilliseconds: 3)
        let record = try! #require(quorums(again).first)
        #expect(record.submissionSet.map(\.validator) == [0, 1, 2, 3, 5].map { validators[$0] })
    }

    @Test func lateSignaturesAfterQuorumAreAbsorbedAndConvergeOnTheFirstQByAddress() {
        var pool = AttestationPool(validators: set)
        _ = pool.observe(signed(6), atMilliseconds: 0)
        let first = try! #require(quorums(pool.receive((2...5).map { signed($0) }, atMilliseconds: 1)).first)
        #expect(first.submissionSet.map(\.validator) == [2, 3, 4, 5, 6].map { validators[$0] })
        let late = pool.receive([signed(0), signed(1)], atMilliseconds: 2)
        #expect(late.first == .persistSignatures([signed(0), signed(1)]))
        let improved = try! #require(quorums(late).first)
        #expect(improved.submissionSet.map(\.validator) == Array(validators.prefix(5)))
        #expect(!late.contains { if case .broadcastAttestations = $0 { true } else { false } })
        #expect(pool.quorum(for: digest) == improved)
        #expect(pool.signatures(for: digest).count == 7)
    }

    @Test func retriesBackOffExponentiallyWithSeededJitterThenGiveUp() {
        var configuration = AttestationPoolConfiguration()
        configuration.giveUpAfterMilliseconds = 3 * 60 * 60_000
        func retryTimes(seed: UInt64) -> ([UInt64], [AttestationPool.Action]) {
            var c = configuration
            c.jitterSeed = seed
            var pool = AttestationPool(validators: set, configuration: c)
            _ = pool.observe(signed(0), atMilliseconds: 0)
            var times: [UInt64] = []
            var last: [AttestationPool.Action] = []
            for now in stride(from: UInt64(0), through: 3 * 60 * 60_000, by: 10_000) {
                let actions = pool.tick(atMilliseconds: now)
                if actions.contains(.requestReobservation(id)) { times.append(now) }
                if !actions.isEmpty { last = actions }
            }
            return (times, last)
        }
        let (times, last) = retryTimes(seed: 1)
        #expect(times.first == 300_000)
        #expect(times.count >= 3)
        let gaps = zip(times.dropFirst(), times).map { $0 - $1 }
        for (gap, k) in zip(gaps, 1...) {
            let base = UInt64(300_000) << UInt64(k)
            #expect(gap >= base && gap <= base + base / 5 + 10_000)
        }
        #expect(last.contains(.markExpired([id])))
        #expect(retryTimes(seed: 1).0 == times)
        #expect(retryTimes(seed: 2).0 != times)
    }

    @Test func requestsForUnknownObservationsAskTheLocalWatcherOnce() {
        var pool = AttestationPool(validators: set)
        #expect(pool.receiveObservationRequest(id, atMilliseconds: 0) == [.reobserveLocally(id)])
        #expect(pool.receiveObservationRequest(id, atMilliseconds: 1_000).isEmpty)
        #expect(pool.receiveObservationRequest(id, atMilliseconds: 12 * 60_000) == [.reobserveLocally(id)])
    }
}
