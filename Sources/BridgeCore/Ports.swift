// SPDX-License-Identifier: Apache-2.0

/// Wall-clock time in Unix milliseconds, injected so every timer is testable without sleeping.
public protocol BridgeClock: Sendable {
    var nowMilliseconds: UInt64 { get }
}

/// Hash functions the domain needs but cannot implement itself (it imports nothing).
public protocol DigestHashing: Sendable {
    func sha256(_ bytes: [UInt8]) -> [UInt8]
    func keccak256(_ bytes: [UInt8]) -> [UInt8]
}

/// Signs 32-byte digests with this validator's secp256k1 key.
public protocol AttestationSigner: Sendable {
    /// This validator's Koinos address (25 bytes).
    var validatorAddress: [UInt8] { get }
    /// Koinos compact signature (31+recid ‖ r ‖ s, low-S) over `digest`.
    func signKoinos(digest: [UInt8]) throws -> [UInt8]
}

/// Recovers signers of Koinos compact signatures.
public protocol SignatureVerifier: Sendable {
    /// The Koinos address (25 bytes) that signed `digest`, or nil when the signature is malformed,
    /// high-S or does not recover.
    func recoverKoinosAddress(digest: [UInt8], signature: [UInt8]) -> [UInt8]?
    /// The Ethereum address (20 bytes) that signed `digest` with a 65-byte `r ‖ s ‖ v` signature
    /// (as the contract's `ecrecover`), or nil when it does not recover.
    func recoverEthereumAddress(digest: [UInt8], signature: [UInt8]) -> [UInt8]?
}
