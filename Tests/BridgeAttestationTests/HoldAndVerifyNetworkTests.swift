// SPDX-License-Identifier: Apache-2.0
import BridgeAttestation
import BridgeCore
import BridgeGossip
import BridgeSigning
import BridgeStore
import ChainCrypto
import Testing
import BridgeTesting

/// Hold-and-verify over the real gossip codec, real secp256k1 and real SQLite: batch items reach
/// the aggregator unrecovered, and still a signature that does not recover to its validator never
/// counts, whether it is recovered at once (lowest addresses) or when its hold ends.
@Suite struct HoldAndVerifyNetworkTests {
    let hashing = ChainHashing()

    func envelope(_ message: BridgeMessage, key: Secp256k1.PrivateKey, at now: UInt64) throws -> [UInt8] {
        try BridgeEnvelope.seal(message, signer: Secp256k1AttestationSigner(key: key), timestampMilliseconds: now, hashing: hashing)
    }

    func item(_ observation: PendingObservation, signedBy key: Secp256k1.PrivateKey, claimed: [UInt8]) throws -> SignedObservation {
        SignedObservation(
            observationID: observation.id, profile: observation.profile, digest: observation.digest,
            signature: ValidatorSignature(validator: claimed, signature: try KoinosSignature.sign(digest: observation.digest, key: key)))
    }

    /// Four honest nodes sign (Q = 5 of 7), so quorum needs one of the two validators driven by hand:
    /// the one whose item is forged under its own valid envelope never counts; the honest one does.
    @Test(arguments: [false, true])
    func aForgedItemUnderAValidEnvelopeNeverCountsAndAValidOneDoes(forgerHasLowerAddress: Bool) async throws {
        let net = try ValidatorNetworkHarness(count: 7, honest: 4, deferItemRecovery: true)
        let addresses = net.keys.map { KoinosAddress(publicKey: $0.publicKey).bytes }
        // Keys 4 and 5 are driven by hand; the forger is the lower address of the two in one run and
        // the higher in the other (a lower rank is recovered at once, a rank ≥ Q when its hold ends).
        let lowerFirst = addresses[4].lexicographicallyPrecedes(addresses[5])
        let (forger, honest) = (forgerHasLowerAddress == lowerFirst) ? (4, 5) : (5, 4)
        let now = net.clock.nowMilliseconds
        await net.exchangeHeartbeats()
        for k in [forger, honest] {
            let heartbeat = BridgeMessage.heartbeat(peerID: "peer-\(k)", softwareVersion: "hand", ethereumCursor: 1)
            net.network.broadcast(try envelope(heartbeat, key: net.keys[k], at: now), from: "peer-\(k)")
        }
        await net.pump()

        let observation = ObservationFixtures.observation(9)
        for node in net.nodes {
            try await node.database.insertObservationFixtures([observation], atMilliseconds: now)
            try await node.aggregator.signPending()
        }
        await net.pump()
        let random = Secp256k1.PrivateKey.generate()
        let forged = try item(observation, signedBy: random, claimed: addresses[forger])
        net.network.broadcast(try envelope(.signedObservationBatch([forged]), key: net.keys[forger], at: now), from: "peer-\(forger)")
        await net.pump()
        // Past any hold: the forged item was recovered (at once or now) and dropped.
        await net.advance(milliseconds: 2 * AttestationPoolConfiguration().verificationHoldMilliseconds)
        await net.pump()
        for node in net.nodes {
            #expect(try await node.database.attestationStatus(of: observation.id) == .signing)
            #expect(await !node.aggregator.signatures(for: observation.digest).contains { $0.validator == addresses[forger] })
            // Accepted by the gossip layer (the envelope is the sender's), refused by the aggregator.
            #expect(node.endpoint.outcomeCounts()["reject.bad_item_signature"] == nil)
        }

        let valid = try item(observation, signedBy: net.keys[honest], claimed: addresses[honest])
        net.network.broadcast(try envelope(.signedObservationBatch([valid]), key: net.keys[honest], at: now + 1), from: "peer-\(honest)")
        await net.pump()
        await net.advance(milliseconds: 2 * AttestationPoolConfiguration().verificationHoldMilliseconds)
        await net.pump()
        let verifier = Secp256k1SignatureVerifier()
        for node in net.nodes {
            #expect(try await node.database.attestationStatus(of: observation.id) == .quorum)
            let submission = try await node.database.submissionSignatures(observationID: observation.id)
            #expect(Set(submission.map(\.validator)) == Set(net.nodes.map(\.address) + [addresses[honest]]))
            for stored in try await node.database.signatures(observationID: observation.id) {
                #expect(verifier.recoverKoinosAddress(digest: stored.digest, signature: stored.signature.signature) == stored.signature.validator)
                #expect(stored.signature.validator != addresses[forger])
            }
        }
    }
}
