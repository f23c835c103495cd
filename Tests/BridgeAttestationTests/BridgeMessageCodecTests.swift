// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeGossip
import BridgeSigning
import ChainCrypto
import Testing
import Primitives

/// Round trips of every bridge message kind, envelope signatures, and garbage input.
@Suite struct BridgeMessageCodecTests {
    let key = try! Secp256k1.PrivateKey(rawRepresentation: Array(repeating: 0, count: 31) + [3])
    var signer: Secp256k1AttestationSigner { Secp256k1AttestationSigner(key: key) }

    var messages: [BridgeMessage] {
        let o = ObservationFixtures.observation(1)
        let sig = ValidatorSignature(validator: signer.validatorAddress, signature: Array(repeating: 0x1f, count: 65))
        let item = SignedObservation(observationID: o.id, profile: .v1, digest: o.digest, signature: sig)
        return [
            .heartbeat(peerID: "12D3KooWpeer", softwareVersion: "bridge-relay/0.1", ethereumCursor: 123_456),
            .signedObservationBatch([item, item]),
            .observationRequest([o.id, ObservationFixtures.observation(2).id]),
            .attestations([SignatureSet(observationID: o.id, profile: .v2, digest: o.digest, signatures: [sig, sig])]),
            .catchUpRequest(sinceMilliseconds: 1_700_000_000_000, limit: 500),
            .catchUpRequest(sinceMilliseconds: 1_700_000_000_000, limit: 500, nonce: Array(repeating: 7, count: 16), responder: "12D3KooWpeer"),
        ]
    }

    @Test func everyKindRoundTripsThroughASignedEnvelope() throws {
        for message in messages {
            let bytes = try BridgeEnvelope.seal(message, signer: signer, timestampMilliseconds: 42, hashing: ChainHashing())
            let envelope = try BridgeEnvelope(decoding: bytes)
            #expect(envelope.kind == message.kind)
            #expect(envelope.timestampMilliseconds == 42)
            #expect(envelope.validator == signer.validatorAddress)
            let recovered = Secp256k1SignatureVerifier().recoverKoinosAddress(
                digest: envelope.signingDigest(hashing: ChainHashing()), signature: envelope.signature)
            #expect(recovered == signer.validatorAddress)
            #expect(try BridgeMessage.decode(kind: envelope.kind, body: envelope.body, validator: envelope.validator) == message)
        }
    }

    /// The catch-up request grew two fields compatibly: an old request decodes with them empty
    /// (refused by a current responder), and a decoder that predates them skips them.
    @Test func catchUpRequestFieldsAreAddedCompatibly() throws {
        let old = BridgeMessage.catchUpRequest(sinceMilliseconds: 5, limit: 9)
        var legacy = ProtobufWriter(defaultValues: .omitted)
        legacy.uint64(1, 5)
        legacy.uint64(2, 9)
        #expect(old.encoded() == legacy.bytes)
        let new = BridgeMessage.catchUpRequest(sinceMilliseconds: 5, limit: 9, nonce: [1, 2, 3], responder: "peer-0")
        #expect(Array(new.encoded().prefix(legacy.bytes.count)) == legacy.bytes, "fields 1 and 2 first, unchanged")
        #expect(try BridgeMessage.decode(kind: .catchUpRequest, body: new.encoded(), validator: []) == new)
    }

    @Test func garbageAndTruncatedInputThrowsInsteadOfCrashing() throws {
        var generator = SystemRandomNumberGenerator()
        let valid = try BridgeEnvelope.seal(messages[1], signer: signer, timestampMilliseconds: 1, hashing: ChainHashing())
        for cut in 0..<valid.count { _ = try? BridgeEnvelope(decoding: Array(valid.prefix(cut))) }
        for _ in 0..<500 {
            let length = Int.random(in: 0..<300, using: &generator)
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if let envelope = try? BridgeEnvelope(decoding: bytes) {
                _ = try? BridgeMessage.decode(kind: envelope.kind, body: envelope.body, validator: envelope.validator)
            }
            for kind in BridgeMessageKind.allCases { _ = try? BridgeMessage.decode(kind: kind, body: bytes, validator: []) }
        }
        #expect(throws: BridgeGossipError.self) { try BridgeEnvelope(decoding: [0x0a, 0x05, 0x01]) }
        // An observation id whose transaction hash is not 32 bytes is refused.
        #expect(throws: BridgeGossipError.self) {
            try BridgeMessage.decode(kind: .observationRequest, body: [0x0a, 0x04, 0x12, 0x02, 0xaa, 0xbb], validator: [])
        }
    }
}
