// SPDX-License-Identifier: Apache-2.0
import BridgeAttestation
import BridgeCore
import BridgeGossip
import BridgeSigning
import BridgeStore
import ChainCrypto
import Testing
import BridgeTesting
import Primitives

/// Five honest validators and two byzantine ones (keys 5 and 6, driven by hand).
@Suite struct ByzantineValidatorTests {
    let hashing = ChainHashing()

    func envelope(_ message: BridgeMessage, key: Secp256k1.PrivateKey, at now: UInt64) throws -> [UInt8] {
        try BridgeEnvelope.seal(message, signer: Secp256k1AttestationSigner(key: key), timestampMilliseconds: now, hashing: hashing)
    }

    func item(_ observation: PendingObservation, digest: [UInt8]? = nil, signedBy key: Secp256k1.PrivateKey, claimed: [UInt8]) throws -> SignedObservation {
        let d = digest ?? observation.digest
        return SignedObservation(
            observationID: observation.id, profile: observation.profile, digest: d,
            signature: ValidatorSignature(validator: claimed, signature: try KoinosSignature.sign(digest: d, key: key)))
    }

    @Test func honestQuorumFormsAndNoForgedSignatureIsEverCounted() async throws {
        let net = try ValidatorNetworkHarness(count: 7, honest: 5)
        let (b5, b6) = (net.keys[5], net.keys[6])
        let a5 = KoinosAddress(publicKey: b5.publicKey).bytes
        let a6 = KoinosAddress(publicKey: b6.publicKey).bytes
        let honest = Set(net.nodes.map(\.address))
        let now = net.clock.nowMilliseconds
        await net.exchangeHeartbeats()
        // The byzantine validators bind their own peer ids properly…
        net.network.broadcast(try envelope(.heartbeat(peerID: "peer-5", softwareVersion: "evil", ethereumCursor: 1), key: b5, at: now), from: "peer-5")
        net.network.broadcast(try envelope(.heartbeat(peerID: "peer-6", softwareVersion: "evil", ethereumCursor: 1), key: b6, at: now), from: "peer-6")
        // …then one tries to bind an honest node's peer id from its own connection.
        net.network.broadcast(try envelope(.heartbeat(peerID: "peer-0", softwareVersion: "evil", ethereumCursor: 1), key: b6, at: now), from: "peer-6")
        await net.pump()

        let observation = ObservationFixtures.observation(5)
        let fakeDigest = ObservationFixtures.observation(6).digest
        let random = Secp256k1.PrivateKey.generate()
        // Forged item signature (not by b5) under b5's envelope.
        net.network.broadcast(try envelope(.signedObservationBatch([try item(observation, signedBy: random, claimed: a5)]), key: b5, at: now), from: "peer-5")
        // A quorum set with a forged member claiming an honest validator.
        let forgedSet = SignatureSet(
            observationID: observation.id, profile: .v1, digest: observation.digest,
            signatures: [ValidatorSignature(validator: net.nodes[0].address, signature: try KoinosSignature.sign(digest: observation.digest, key: b5))])
        net.network.broadcast(try envelope(.attestations([forgedSet]), key: b5, at: now), from: "peer-5")
        // Impersonation from a stolen peer id: envelope claims validator 0 but b5 signs it.
        var impersonated = try BridgeEnvelope(decoding: try envelope(.observationRequest([observation.id]), key: b5, at: now))
        impersonated.validator = net.nodes[0].address
        net.network.broadcast(try Self.reencode(impersonated), from: "peer-0")
        // Valid b5 messages from a peer id that no heartbeat bound.
        net.network.broadcast(try envelope(.signedObservationBatch([try item(ObservationFixtures.observation(77), signedBy: b5, claimed: a5)]), key: b5, at: now), from: "peer-stolen")
        // Oversize: too many items, and too many bytes.
        let many = try (0..<2_001).map { _ in try item(ObservationFixtures.observation(78), signedBy: b5, claimed: a5) }
        net.network.broadcast(try envelope(.signedObservationBatch(many), key: b5, at: now), from: "peer-5")
        net.network.broadcast(Array(repeating: 0x0a, count: 600 * 1024), from: "peer-5")
        // Equivocation: b6 signs the real digest and another one for the same observation.
        net.network.broadcast(try envelope(.signedObservationBatch([try item(observation, signedBy: b6, claimed: a6)]), key: b6, at: now), from: "peer-6")
        net.network.broadcast(try envelope(.signedObservationBatch([try item(observation, digest: fakeDigest, signedBy: b6, claimed: a6)]), key: b6, at: now), from: "peer-6")
        // Flood: 120 distinct request messages within 120 ms (identical copies are replays, see ReplayTests).
        for i in 0..<120 {
            net.network.broadcast(try envelope(.observationRequest([ObservationFixtures.observation(79).id]), key: b5, at: now + UInt64(i)), from: "peer-5")
        }
        await net.pump()

        for node in net.nodes {
            try await node.database.insertObservationFixtures([observation], atMilliseconds: net.clock.nowMilliseconds)
            try await node.aggregator.signPending()
        }
        await net.pump()

        let verifier = Secp256k1SignatureVerifier()
        for node in net.nodes {
            #expect(try await node.database.attestationStatus(of: observation.id) == .quorum)
            let submission = try await node.database.submissionSignatures(observationID: observation.id)
            #expect(submission.count == 5)
            #expect(Set(submission.map(\.validator)) == honest)
            for stored in try await node.database.signatures(observationID: observation.id) {
                #expect(verifier.recoverKoinosAddress(digest: stored.digest, signature: stored.signature.signature) == stored.signature.validator)
                #expect(stored.signature.validator != a6)
            }
            let evidence = try await node.database.equivocationEvidence()
            #expect(evidence.map(\.validator) == [a6])
            #expect(node.endpoint.boundPeer(of: a6) == "peer-6")
            #expect(node.endpoint.boundPeer(of: net.nodes[0].address) == (node.peerID == "peer-0" ? nil : "peer-0"))
            let counts = node.endpoint.outcomeCounts()
            #expect(counts["reject.bad_item_signature"] == 2)
            #expect(counts["reject.peer_mismatch"] == 1)
            #expect(counts["reject.too_many_items"] == 1)
            #expect(counts["reject.oversize"] == 1)
            #expect(counts["ignore.unbound_peer"] == 1)
            #expect(counts["ignore.rate_limited", default: 0] >= 100)
            #expect(counts["reject.bad_envelope_signature", default: 0] + counts["ignore.unbound_peer", default: 0] >= 1)
        }
        #expect(net.nodes[1].endpoint.outcomeCounts()["reject.bad_envelope_signature"] == 1)
    }

    /// Re-encodes an envelope after a field was tampered with (the signature no longer matches).
    static func reencode(_ e: BridgeEnvelope) throws -> [UInt8] {
        var p = ProtobufWriter(defaultValues: .omitted)
        p.uint64(1, e.version)
        p.uint64(2, e.kind.rawValue)
        p.bytes(3, e.validator)
        p.uint64(4, e.timestampMilliseconds)
        p.bytes(5, e.body)
        var w = ProtobufWriter(defaultValues: .omitted)
        w.bytes(1, p.bytes)
        w.bytes(2, e.signature)
        return w.bytes
    }
}
