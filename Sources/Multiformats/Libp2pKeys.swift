// SPDX-License-Identifier: Apache-2.0
import ChainCrypto
import Crypto
import Primitives

/// libp2p key types (the `KeyType` enum of the PublicKey/PrivateKey protobufs).
public enum Libp2pKeyType: Int, Sendable, CaseIterable, CustomStringConvertible {
    case rsa = 0
    case ed25519 = 1
    case secp256k1 = 2
    case ecdsaP256 = 3

    public var description: String {
        switch self {
        case .rsa: "rsa"
        case .ed25519: "ed25519"
        case .secp256k1: "secp256k1"
        case .ecdsaP256: "ecdsa-p256"
        }
    }
}

/// A libp2p public key: `PublicKey { Type = 1; Data = 2 }`.
///
/// Data is the raw 32-byte key (Ed25519), the 33-byte compressed point (secp256k1) or the DER
/// SubjectPublicKeyInfo (ECDSA P-256). RSA keys are not supported.
public struct Libp2pPublicKey: Hashable, Sendable {
    public let type: Libp2pKeyType
    public let data: [UInt8]

    /// Validates `data` for `type`.
    public init(type: Libp2pKeyType, data: [UInt8]) throws {
        switch type {
        case .ed25519:
            guard data.count == 32, (try? Curve25519.Signing.PublicKey(rawRepresentation: data)) != nil else {
                throw MultiformatsError.malformedKey("ed25519 public key")
            }
        case .secp256k1:
            guard let key = try? Secp256k1.PublicKey(bytes: data) else { throw MultiformatsError.malformedKey("secp256k1 public key") }
            self.type = type
            self.data = key.compressed
            return
        case .ecdsaP256:
            guard (try? P256.Signing.PublicKey(derRepresentation: data)) != nil else {
                throw MultiformatsError.malformedKey("ecdsa public key")
            }
        case .rsa:
            throw MultiformatsError.unsupportedKeyType(type.rawValue)
        }
        self.type = type
        self.data = data
    }

    /// Decodes the protobuf `PublicKey` (unknown fields skipped).
    public init(protobufEncoded bytes: [UInt8]) throws {
        let (type, data) = try Libp2pKeyType.decodeKeyMessage(bytes)
        try self.init(type: type, data: data)
    }

    /// Deterministic protobuf encoding (field 1 then field 2).
    public var protobufEncoded: [UInt8] {
        var writer = ProtobufWriter(defaultValues: .written)
        writer.uint64(1, UInt64(type.rawValue))
        writer.bytes(2, data)
        return writer.bytes
    }

    /// The peer id of this key.
    public var peerID: PeerID { PeerID(publicKey: self) }

    /// Verifies a libp2p signature of `data` made with the matching private key.
    public func verify(signature: [UInt8], data message: [UInt8]) -> Bool {
        switch type {
        case .ed25519:
            guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: data) else { return false }
            return key.isValidSignature(signature, for: message)
        case .secp256k1:
            guard let key = try? Secp256k1.PublicKey(bytes: data), let compact = Secp256k1.derDecode(signature) else { return false }
            return key.verify(signature: compact, digest: SHA256Digest.hash(message))
        case .ecdsaP256:
            guard let key = try? P256.Signing.PublicKey(derRepresentation: data),
                let parsed = try? P256.Signing.ECDSASignature(derRepresentation: signature)
            else { return false }
            return key.isValidSignature(parsed, for: message)
        case .rsa:
            return false
        }
    }
}

/// A libp2p identity private key (Ed25519, secp256k1 or ECDSA P-256). Never logged.
public struct Libp2pPrivateKey: Sendable {
    enum Storage: Sendable {
        case ed25519(Curve25519.Signing.PrivateKey)
        case secp256k1(Secp256k1.PrivateKey)
        case p256(P256.Signing.PrivateKey)
    }

    let storage: Storage
    public let publicKey: Libp2pPublicKey

    init(storage: Storage) {
        self.storage = storage
        switch storage {
        case .ed25519(let key):
            publicKey = try! Libp2pPublicKey(type: .ed25519, data: Array(key.publicKey.rawRepresentation))
        case .secp256k1(let key):
            publicKey = try! Libp2pPublicKey(type: .secp256k1, data: key.publicKey.compressed)
        case .p256(let key):
            publicKey = try! Libp2pPublicKey(type: .ecdsaP256, data: Array(key.publicKey.derRepresentation))
        }
    }

    /// A fresh random key of `type` (RSA is not supported and yields Ed25519).
    public static func generate(_ type: Libp2pKeyType) -> Libp2pPrivateKey {
        switch type {
        case .secp256k1: Libp2pPrivateKey(storage: .secp256k1(.generate()))
        case .ecdsaP256: Libp2pPrivateKey(storage: .p256(P256.Signing.PrivateKey()))
        case .ed25519, .rsa: Libp2pPrivateKey(storage: .ed25519(Curve25519.Signing.PrivateKey()))
        }
    }

    /// A key from its 32-byte secret: the Ed25519 seed, or the big-endian scalar (secp256k1, P-256).
    public init(type: Libp2pKeyType, rawScalar: [UInt8]) throws {
        switch type {
        case .ed25519:
            guard rawScalar.count == 32, let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: rawScalar) else {
                throw MultiformatsError.malformedKey("ed25519 seed")
            }
            self.init(storage: .ed25519(key))
        case .secp256k1:
            guard let key = try? Secp256k1.PrivateKey(rawRepresentation: rawScalar) else {
                throw MultiformatsError.malformedKey("secp256k1 secret")
            }
            self.init(storage: .secp256k1(key))
        case .ecdsaP256:
            guard rawScalar.count == 32, let key = try? P256.Signing.PrivateKey(rawRepresentation: rawScalar) else {
                throw MultiformatsError.malformedKey("p256 secret")
            }
            self.init(storage: .p256(key))
        case .rsa:
            throw MultiformatsError.unsupportedKeyType(type.rawValue)
        }
    }

    /// Decodes the protobuf `PrivateKey` (Ed25519: 64 bytes seed ‖ public, or a 32-byte seed;
    /// secp256k1: 32-byte scalar; ECDSA: DER SEC1/PKCS#8 or a 32-byte scalar).
    public init(protobufEncoded bytes: [UInt8]) throws {
        let (type, data) = try Libp2pKeyType.decodeKeyMessage(bytes)
        switch type {
        case .ed25519 where data.count == 64:
            try self.init(type: .ed25519, rawScalar: Array(data.prefix(32)))
            guard publicKey.data == Array(data.suffix(32)) else { throw MultiformatsError.malformedKey("ed25519 public half") }
        case .ecdsaP256 where data.count != 32:
            guard let key = try? P256.Signing.PrivateKey(derRepresentation: data) else { throw MultiformatsError.malformedKey("p256 DER") }
            self.init(storage: .p256(key))
        default:
            try self.init(type: type, rawScalar: data)
        }
    }

    /// The protobuf `PrivateKey` (Ed25519: seed ‖ public; secp256k1: scalar; ECDSA: SEC1 DER).
    public var protobufEncoded: [UInt8] {
        var writer = ProtobufWriter(defaultValues: .written)
        writer.uint64(1, UInt64(publicKey.type.rawValue))
        switch storage {
        case .ed25519(let key): writer.bytes(2, Array(key.rawRepresentation) + publicKey.data)
        case .secp256k1(let key): writer.bytes(2, key.rawRepresentation)
        case .p256(let key): writer.bytes(2, Array(key.derRepresentation))
        }
        return writer.bytes
    }

    public var type: Libp2pKeyType { publicKey.type }

    /// The peer id of this identity.
    public var peerID: PeerID { publicKey.peerID }

    /// A libp2p signature over `data`: Ed25519 plain; secp256k1 DER low-S over sha256; P-256 DER over sha256.
    public func sign(_ data: [UInt8]) throws -> [UInt8] {
        switch storage {
        case .ed25519(let key):
            return Array(try key.signature(for: data))
        case .secp256k1(let key):
            let compact = try Secp256k1.signCompact(digest: SHA256Digest.hash(data), key: key)
            guard let der = Secp256k1.derEncode(compact: compact) else { throw MultiformatsError.signingFailed }
            return der
        case .p256(let key):
            return Array(try key.signature(for: data).derRepresentation)
        }
    }
}

extension Libp2pKeyType {
    /// Fields 1 (key type) and 2 (key bytes) of the libp2p `PublicKey`/`PrivateKey` protobuf
    /// messages, which share that layout; unknown fields are skipped.
    static func decodeKeyMessage(_ bytes: [UInt8]) throws -> (Libp2pKeyType, [UInt8]) {
        var reader = ProtobufReader(bytes)
        var typeValue: UInt64?
        var data: [UInt8]?
        do {
            while let (field, value) = try reader.next() {
                switch field {
                case 1: typeValue = try value.requireVarint()
                case 2: data = try value.requireBytes()
                default: continue
                }
            }
        } catch {
            throw MultiformatsError(error)
        }
        guard let typeValue, let data else { throw MultiformatsError.malformedKey("missing field") }
        guard typeValue <= 3, let type = Libp2pKeyType(rawValue: Int(typeValue)) else {
            throw MultiformatsError.unsupportedKeyType(Int(clamping: typeValue))
        }
        return (type, data)
    }
}

extension MultiformatsError {
    /// The multiformats error of a failure of the one protobuf reader (`Primitives.ProtobufReader`):
    /// a bad varint is `malformedVarint`, anything else `malformedProtobuf`.
    init(_ error: ProtobufDecodingError) {
        switch error {
        case .varintTooLong, .varintOverflow: self = .malformedVarint
        default: self = .malformedProtobuf(error.description)
        }
    }
}
