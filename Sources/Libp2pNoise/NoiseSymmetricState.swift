// SPDX-License-Identifier: Apache-2.0
import Crypto

/// The Noise SymmetricState (chaining key, handshake hash, optional cipher) for SHA-256.
struct NoiseSymmetricState: Sendable {
    /// "Noise_XX_25519_ChaChaPoly_SHA256" is exactly 32 bytes, so it is h's initial value unhashed.
    static let protocolName = Array("Noise_XX_25519_ChaChaPoly_SHA256".utf8)

    private(set) var chainingKey: [UInt8]
    private(set) var handshakeHash: [UInt8]
    private var cipher: NoiseCipherState?

    init() {
        handshakeHash = NoiseSymmetricState.protocolName
        chainingKey = handshakeHash
        mixHash([])  // empty prologue
    }

    mutating func mixHash(_ data: [UInt8]) {
        var hasher = SHA256()
        hasher.update(data: handshakeHash)
        hasher.update(data: data)
        handshakeHash = Array(hasher.finalize())
    }

    mutating func mixKey(_ inputKeyMaterial: [UInt8]) {
        let (nextChainingKey, key) = NoiseSymmetricState.hkdf(chainingKey: chainingKey, inputKeyMaterial: inputKeyMaterial)
        chainingKey = nextChainingKey
        cipher = NoiseCipherState(key: key)
    }

    mutating func encryptAndHash(_ plaintext: [UInt8]) throws -> [UInt8] {
        guard var current = cipher else {
            mixHash(plaintext)
            return plaintext
        }
        let ciphertext = try current.encrypt(plaintext, associatedData: handshakeHash)
        cipher = current
        mixHash(ciphertext)
        return ciphertext
    }

    mutating func decryptAndHash(_ ciphertext: [UInt8]) throws -> [UInt8] {
        guard var current = cipher else {
            mixHash(ciphertext)
            return ciphertext
        }
        let plaintext = try current.decrypt(ciphertext, associatedData: handshakeHash)
        cipher = current
        mixHash(ciphertext)
        return plaintext
    }

    /// Split(): (initiator → responder cipher, responder → initiator cipher).
    func split() -> (NoiseCipherState, NoiseCipherState) {
        let (first, second) = NoiseSymmetricState.hkdf(chainingKey: chainingKey, inputKeyMaterial: [])
        return (NoiseCipherState(key: first), NoiseCipherState(key: second))
    }

    /// HKDF with two outputs, as Noise defines it over HMAC-SHA256.
    static func hkdf(chainingKey: [UInt8], inputKeyMaterial: [UInt8]) -> ([UInt8], [UInt8]) {
        let tempKey = SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: inputKeyMaterial, using: SymmetricKey(data: chainingKey))))
        let first = Array(HMAC<SHA256>.authenticationCode(for: [0x01], using: tempKey))
        let second = Array(HMAC<SHA256>.authenticationCode(for: first + [0x02], using: tempKey))
        return (first, second)
    }
}
