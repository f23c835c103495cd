// SPDX-License-Identifier: Apache-2.0

/// The libsodium primitives the node uses: Argon2id, XChaCha20-Poly1305 (keystore), X25519 and
/// ChaCha20-Poly1305 IETF (Noise), secure zeroing and the OS RNG.
///
/// The C calls live in `Sodium+CSodium.swift`.
public enum Sodium {
    /// Errors from libsodium calls.
    public enum Error: Swift.Error, Equatable, CustomStringConvertible {
        case initializationFailed
        case keyDerivationFailed
        case authenticationFailed
        case invalidLength(String)

        public var description: String {
            switch self {
            case .initializationFailed: "libsodium failed to initialise"
            case .keyDerivationFailed: "argon2id key derivation failed (out of memory?)"
            case .authenticationFailed: "decryption failed: wrong key or tampered data"
            case .invalidLength(let what): "invalid length: \(what)"
            }
        }
    }

    /// Argon2id cost parameters.
    public struct PasswordHashLimits: Sendable, Hashable, Codable {
        public var operations: UInt64
        public var memoryBytes: UInt64

        public init(operations: UInt64, memoryBytes: UInt64) {
            self.operations = operations
            self.memoryBytes = memoryBytes
        }

        /// libsodium's "moderate" limits: 3 passes, 256 MiB.
        public static let moderate = PasswordHashLimits(operations: 3, memoryBytes: 256 << 20)
        /// libsodium's "interactive" limits: 2 passes, 64 MiB (tests only).
        public static let interactive = PasswordHashLimits(operations: 2, memoryBytes: 64 << 20)
    }

    public static let xchachaNonceLength = 24
    public static let argon2SaltLength = 16
}
