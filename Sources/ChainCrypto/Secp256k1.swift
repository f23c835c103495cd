// SPDX-License-Identifier: Apache-2.0

/// secp256k1 keys and recoverable ECDSA over 32-byte digests (libsecp256k1 underneath).
///
/// Signing is RFC 6979 deterministic and always low-S (libsecp256k1 normalises), which both Koinos
/// (rejects high-S) and py-libp2p (libsecp256k1 verification) require. The C calls live in
/// `Secp256k1+CSecp256k1.swift`.
public enum Secp256k1 {
    /// Errors from key parsing, signing and recovery.
    public enum Error: Swift.Error, Equatable, CustomStringConvertible {
        case invalidPrivateKey
        case invalidPublicKey
        case invalidSignature
        case invalidDigest
        case recoveryFailed

        public var description: String {
            switch self {
            case .invalidPrivateKey: "invalid secp256k1 private key"
            case .invalidPublicKey: "invalid secp256k1 public key"
            case .invalidSignature: "invalid secp256k1 signature"
            case .invalidDigest: "digest must be 32 bytes"
            case .recoveryFailed: "signature does not recover to a public key"
            }
        }
    }

    /// Half the group order n, big-endian: a signature's s must be ≤ this to be low-S.
    public static let halfOrder: [UInt8] = [
        0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0x5D, 0x57, 0x6E, 0x73, 0x57, 0xA4, 0x50, 0x1D, 0xDF, 0xE9, 0x2F, 0x46, 0x68, 0x1B, 0x20, 0xA0,
    ]

    /// True when the 32-byte big-endian `s` is at most n/2.
    public static func isLowS(_ s: some Collection<UInt8>) -> Bool {
        !halfOrder.lexicographicallyPrecedes(s)
    }

    /// A 32-byte secret scalar in [1, n-1].
    public struct PrivateKey: Sendable {
        public let rawRepresentation: [UInt8]

        /// - Parameters:
        ///   - rawRepresentation: 32 big-endian bytes; rejected when zero or ≥ n.
        public init(rawRepresentation: [UInt8]) throws {
            guard rawRepresentation.count == 32, Secp256k1.isValidSecret(rawRepresentation) else {
                throw Error.invalidPrivateKey
            }
            self.rawRepresentation = rawRepresentation
        }

        /// A fresh key from the operating system's RNG.
        public static func generate() -> PrivateKey {
            while true {
                if let key = try? PrivateKey(rawRepresentation: SecureRandom.bytes(32)) { return key }
            }
        }

        public var publicKey: PublicKey { Secp256k1.publicKey(of: self) }

        /// RFC 6979 recoverable, low-S signature over a 32-byte digest.
        public func signRecoverable(digest: [UInt8]) throws -> RecoverableSignature {
            guard digest.count == 32 else { throw Error.invalidDigest }
            return try Secp256k1.sign(digest: digest, key: self)
        }
    }

    /// A point on the curve; `compressed` (33 bytes) and `uncompressed` (65 bytes) forms.
    public struct PublicKey: Sendable, Hashable {
        public let compressed: [UInt8]
        public let uncompressed: [UInt8]

        /// Parses a 33-byte compressed or 65-byte uncompressed SEC1 key.
        public init(bytes: [UInt8]) throws {
            (compressed, uncompressed) = try Secp256k1.parsePublicKey(bytes)
        }

        init(compressed: [UInt8], uncompressed: [UInt8]) {
            self.compressed = compressed
            self.uncompressed = uncompressed
        }

        /// Verifies a 64-byte r ‖ s signature (low-S required) over a 32-byte digest.
        public func verify(signature: [UInt8], digest: [UInt8]) -> Bool {
            guard signature.count == 64, digest.count == 32, Secp256k1.isLowS(signature[32...]) else { return false }
            return Secp256k1.verify(signature: signature, digest: digest, key: self)
        }
    }

    /// r ‖ s plus the recovery id (0…3).
    public struct RecoverableSignature: Sendable, Hashable {
        public let r: [UInt8]
        public let s: [UInt8]
        public let recoveryID: Int

        public init(r: [UInt8], s: [UInt8], recoveryID: Int) throws {
            guard r.count == 32, s.count == 32, (0...3).contains(recoveryID) else { throw Error.invalidSignature }
            self.r = r
            self.s = s
            self.recoveryID = recoveryID
        }

        /// 64-byte r ‖ s.
        public var compact: [UInt8] { r + s }

        public var isLowS: Bool { Secp256k1.isLowS(s) }

        /// The public key that produced this signature over `digest`.
        public func recoverPublicKey(digest: [UInt8]) throws -> PublicKey {
            guard digest.count == 32 else { throw Error.invalidDigest }
            return try Secp256k1.recover(signature: self, digest: digest)
        }
    }
}
