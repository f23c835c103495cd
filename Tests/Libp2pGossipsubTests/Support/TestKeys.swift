// SPDX-License-Identifier: Apache-2.0
import Crypto
import Libp2pGossipsub

/// An Ed25519 libp2p identity built directly on swift-crypto, so router tests need no host.
///
/// `PublicKey` protobuf = `08 01 12 20 ‖ key` (36 bytes, so the peer id is the identity multihash).
struct TestEd25519Signer: GossipMessageSigner {
    let privateKey: Curve25519.Signing.PrivateKey

    init(seed: UInt8) {
        privateKey = try! Curve25519.Signing.PrivateKey(rawRepresentation: [UInt8](repeating: seed, count: 32))
    }

    var publicKeyProtobuf: [UInt8] { [0x08, 0x01, 0x12, 0x20] + Array(privateKey.publicKey.rawRepresentation) }
    var peerIDBytes: [UInt8] { MessageSigning.peerID(ofPublicKeyProtobuf: publicKeyProtobuf) }
    var peer: GossipPeerID { GossipPeerID(bytes: peerIDBytes) }

    func sign(_ data: [UInt8]) throws -> [UInt8] { Array(try privateKey.signature(for: data)) }
}

/// A P-256 identity (Koinos' key type): the key is too long to inline, so `key` (field 6) is required.
struct TestP256Signer: GossipMessageSigner {
    let privateKey = P256.Signing.PrivateKey()

    var publicKeyProtobuf: [UInt8] {
        let der = Array(privateKey.publicKey.derRepresentation)
        return [0x08, 0x03, 0x12, UInt8(der.count)] + der
    }
    var peerIDBytes: [UInt8] { MessageSigning.peerID(ofPublicKeyProtobuf: publicKeyProtobuf) }

    func sign(_ data: [UInt8]) throws -> [UInt8] { Array(try privateKey.signature(for: data).derRepresentation) }
}

/// Verifies Ed25519 and P-256 libp2p keys with swift-crypto.
struct TestVerifier: GossipSignatureVerifier {
    func verify(publicKeyProtobuf: [UInt8], signature: [UInt8], data: [UInt8]) -> Bool {
        guard publicKeyProtobuf.count > 4, publicKeyProtobuf[0] == 0x08, publicKeyProtobuf[2] == 0x12 else { return false }
        let raw = Array(publicKeyProtobuf[4...])
        switch publicKeyProtobuf[1] {
        case 1:
            guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else { return false }
            return key.isValidSignature(signature, for: data)
        case 3:
            guard let key = try? P256.Signing.PublicKey(derRepresentation: raw),
                let parsed = try? P256.Signing.ECDSASignature(derRepresentation: signature)
            else { return false }
            return key.isValidSignature(parsed, for: data)
        default:
            return false
        }
    }
}
