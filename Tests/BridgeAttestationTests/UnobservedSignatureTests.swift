// SPDX-License-Identifier: Apache-2.0
import BridgeAttestation
import BridgeCore
import Testing

/// M4, in the pure state machine: what a dishonest validator signing made-up digests and ids can
/// make a node keep (memory, store, evidence) is bounded.
@Suite struct UnobservedSignatureTests {
    let validators = (1...7).map { i in [UInt8(0)] + Array(repeating: UInt8(i), count: 24) }
    var set: ValidatorSet { ValidatorSet(validators) }

    func id(_ n: Int) -> ObservationID {
        ObservationID(chainID: 1, transactionHash: Array(repeating: 1, count: 28) + withUnsafeBytes(of: UInt32(n).bigEndian, Array.init), logIndex: 0)
    }

    func digest(_ n: Int) -> [UInt8] { Array(repeating: 0xd0, count: 28) + withUnsafeBytes(of: UInt32(n).bigEndian, Array.init) }

    func signed(_ validator: Int, id n: Int, digest d: Int? = nil) -> SignedObservation {
        SignedObservation(
            observationID: id(n), profile: .v1, digest: digest(d ?? n),
            signature: ValidatorSignature(validator: validators[validator], signature: [UInt8(validator)] + Array(repeating: 0x55, count: 64)))
    }

    func persisted(_ actions: [AttestationPool.Action]) -> Int {
        actions.reduce(0) { if case .persistSignatures(let items) = $1 { $0 + items.count } else { $0 } }
    }

    func evidence(_ actions: [AttestationPool.Action]) -> [EquivocationEvidence] {
        actions.compactMap { if case .recordEvidence(let e) = $0 { e } else { nil } }
    }

    @Test func madeUpDigestsAreNeitherPersistedNorKeptBeyondTheValidatorsShare() {
        var configuration = AttestationPoolConfiguration()
        configuration.maxUnobservedSignaturesPerValidator = 100
        configuration.maxUnobservedSignatures = 300
        var pool = AttestationPool(validators: set, configuration: configuration)
        // Validator 6 signs 5,000 made-up observations.
        let flood = pool.receive((0..<5_000).map { signed(6, id: 10_000 + $0) }, atMilliseconds: 1)
        #expect(persisted(flood) == 0)
        #expect(pool.entryCount == 0)
        #expect(pool.unobserved.count(of: validators[6]) == 100)
        #expect(pool.unobserved.refused == 4_900)
        // Honest validators' early signatures still fit, and count once we observe.
        _ = pool.receive((1...5).map { signed($0, id: 1) }, atMilliseconds: 2)
        let actions = pool.observe(signed(0, id: 1), atMilliseconds: 3)
        #expect(persisted(actions) == 5)
        #expect(pool.quorum(for: digest(1)) != nil)
        // Held signatures expire with the unobserved retention.
        _ = pool.tick(atMilliseconds: 3 + configuration.unobservedRetentionMilliseconds)
        #expect(pool.unobserved.count == 0)
    }

    @Test func equivocationEvidenceOnlyForObservedIdsAndCapped() {
        var configuration = AttestationPoolConfiguration()
        configuration.maxEquivocationIDs = 2
        var pool = AttestationPool(validators: set, configuration: configuration)
        // Two digests for an id nobody observed: no evidence, nothing stored.
        let madeUp = pool.receive([signed(6, id: 99, digest: 1), signed(6, id: 99, digest: 2)], atMilliseconds: 1)
        #expect(evidence(madeUp).isEmpty && persisted(madeUp) == 0)
        #expect(pool.equivocationIDCount == 0)
        // On ids we observed it is evidence, for at most `maxEquivocationIDs` ids.
        var found: [EquivocationEvidence] = []
        for n in 1...3 {
            _ = pool.observe(signed(0, id: n), atMilliseconds: 2)
            found += evidence(pool.receive([signed(6, id: n), signed(6, id: n, digest: 500 + n)], atMilliseconds: 3))
        }
        #expect(found.map(\.observationID) == [id(1), id(2)])
        #expect(pool.equivocationIDCount == 2)
        // The evidence leaves memory with the observation.
        _ = pool.tick(atMilliseconds: 3 + configuration.giveUpAfterMilliseconds)
        #expect(pool.equivocationIDCount == 0)
    }

    @Test func equivocationAmongHeldSignaturesIsFoundWhenWeObserve() {
        var pool = AttestationPool(validators: set)
        _ = pool.receive([signed(6, id: 1), signed(6, id: 1, digest: 77)], atMilliseconds: 1)
        let actions = pool.observe(signed(0, id: 1), atMilliseconds: 2)
        #expect(evidence(actions).map(\.validator) == [validators[6]])
        #expect(persisted(actions) == 0, "the equivocator's signature is not stored")
        #expect(!pool.signatures(for: digest(1)).contains { $0.validator == validators[6] })
    }
}
