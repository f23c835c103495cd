// SPDX-License-Identifier: Apache-2.0
import ChainCrypto
import Crypto
public import Multiformats

/// The libp2p key types a node identity may use (libp2p `KeyType`: Ed25519 = 1, Secp256k1 = 2, ECDSA = 3).
///
/// Koinos nodes use ECDSA P-256 (koinos.md §1.2), so that is the default; Ed25519 and secp256k1
/// identities are accepted by every libp2p implementation we talk to.
public enum P2PKeyType: String, Sendable, Hashable, Codable, CaseIterable {
    case p256
    case secp256k1
    case ed25519

    /// The same key type in libp2p's `crypto.pb` terms.
    public var libp2pKeyType: Libp2pKeyType {
        switch self {
        case .ed25519: .ed25519
        case .secp256k1: .secp256k1
        case .p256: .ecdsaP256
        }
    }
}

/// A libp2p identity private key: 32 secret bytes plus their type.
///
/// All three types have a 32-byte secret (P-256 scalar, Ed25519 seed, secp256k1 scalar), which is
/// what the keystore encrypts. The public half is derived on demand for the peer id.
public struct P2PIdentityKey: Sendable {
    public let type: P2PKeyType
    /// The 32 secret bytes. Never log or print them.
    public let rawRepresentation: [UInt8]

    /// - Parameters:
    ///   - type: which curve the bytes belong to.
    ///   - rawRepresentation: 32 secret bytes; rejected when not a valid key of `type`.
    public init(type: P2PKeyType, rawRepresentation: [UInt8]) throws {
        guard rawRepresentation.count == 32 else { throw KeystoreError.invalidKey("p2p identity key must be 32 bytes") }
        switch type {
        case .p256:
            guard (try? P256.Signing.PrivateKey(rawRepresentation: rawRepresentation)) != nil else {
                throw KeystoreError.invalidKey("invalid P-256 identity key")
            }
        case .ed25519:
            break  // every 32-byte seed is a valid Ed25519 key
        case .secp256k1:
            guard (try? Secp256k1.PrivateKey(rawRepresentation: rawRepresentation)) != nil else {
                throw KeystoreError.invalidKey("invalid secp256k1 identity key")
            }
        }
        self.type = type
        self.rawRepresentation = rawRepresentation
    }

    /// A fresh identity key from the operating system's RNG.
    public static func generate(type: P2PKeyType) -> P2PIdentityKey {
        let raw: [UInt8] =
            switch type {
            case .p256: Array(P256.Signing.PrivateKey().rawRepresentation)
            case .ed25519: Array(Curve25519.Signing.PrivateKey().rawRepresentation)
            case .secp256k1: Secp256k1.PrivateKey.generate().rawRepresentation
            }
        // The bytes come straight from a valid key of `type`.
        return try! P2PIdentityKey(type: type, rawRepresentation: raw)
    }

    /// The `Data` field of libp2p's `PublicKey` protobuf: DER SubjectPublicKeyInfo for ECDSA,
    /// the 32 raw bytes for Ed25519, the 33-byte compressed point for secp256k1 (libp2p peer-ids spec).
    public var publicKeyData: [UInt8] {
        switch type {
        case .p256:
            Array(try! P256.Signing.PrivateKey(rawRepresentation: rawRepresentation).publicKey.derRepresentation)
        case .ed25519:
            Array(try! Curve25519.Signing.PrivateKey(rawRepresentation: rawRepresentation).publicKey.rawRepresentation)
        case .secp256k1:
            try! Secp256k1.PrivateKey(rawRepresentation: rawRepresentation).publicKey.compressed
        }
    }

    /// The base58btc peer id of this key (`Qm…` for P-256, `12D3KooW…` for Ed25519, `16Uiu2…` for secp256k1).
    public var peerID: String { libp2pPublicKey.peerID.description }

    /// The libp2p `PublicKey` of this identity (its `protobufEncoded` form is what the peer id hashes).
    public var libp2pPublicKey: Libp2pPublicKey {
        // The bytes come straight from a valid key of `type`.
        try! Libp2pPublicKey(type: type.libp2pKeyType, data: publicKeyData)
    }
}
