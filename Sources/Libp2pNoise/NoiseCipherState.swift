// SPDX-License-Identifier: Apache-2.0
import ChainCrypto

/// A Noise CipherState for ChaChaPoly: a 32-byte key and a 64-bit counter nonce
/// (12-byte IETF nonce = 4 zero bytes ‖ little-endian counter). libsodium does the AEAD.
public struct NoiseCipherState: Sendable {
    /// Largest Noise message (ciphertext incl. tag).
    public static let maxMessageLength = 65535
    /// Poly1305 tag length.
    public static let tagLength = 16
    /// Largest plaintext per transport message.
    public static let maxPlaintextLength = maxMessageLength - tagLength

    private var key: [UInt8]
    public private(set) var nonce: UInt64 = 0

    public init(key: [UInt8]) {
        precondition(key.count == 32)
        self.key = key
    }

    private func nonceBytes() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 12)
        for index in 0..<8 { out[4 + index] = UInt8(truncatingIfNeeded: nonce >> UInt64(index * 8)) }
        return out
    }

    public mutating func encrypt(_ plaintext: [UInt8], associatedData: [UInt8] = []) throws -> [UInt8] {
        guard nonce < UInt64.max - 1 else { throw NoiseError.nonceExhausted }
        let sealed = try Sodium.chachaSeal(plaintext, key: key, nonce: nonceBytes(), associatedData: associatedData)
        nonce += 1
        return sealed
    }

    public mutating func decrypt(_ ciphertext: [UInt8], associatedData: [UInt8] = []) throws -> [UInt8] {
        guard nonce < UInt64.max - 1 else { throw NoiseError.nonceExhausted }
        guard let opened = try? Sodium.chachaOpen(ciphertext, key: key, nonce: nonceBytes(), associatedData: associatedData) else {
            throw NoiseError.decryptionFailed
        }
        nonce += 1
        return opened
    }

    /// `encrypt` over caller memory: ciphertext ‖ tag to the start of `output`; returns its length.
    public mutating func encrypt(_ plaintext: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws -> Int {
        guard nonce < UInt64.max - 1 else { throw NoiseError.nonceExhausted }
        let written = try Sodium.chachaSeal(plaintext, key: key, nonce: nonceBytes(), associatedData: [], into: output)
        nonce += 1
        return written
    }

    /// `encrypt` of the concatenation of `pieces` (not copied together first): ciphertext ‖ tag to the
    /// start of `output`; returns its length.
    public mutating func encrypt(pieces: [UnsafeRawBufferPointer], into output: UnsafeMutableRawBufferPointer) throws -> Int {
        guard nonce < UInt64.max - 1 else { throw NoiseError.nonceExhausted }
        let written =
            pieces.count == 1
            ? try Sodium.chachaSeal(pieces[0], key: key, nonce: nonceBytes(), associatedData: [], into: output)
            : try Sodium.chachaSeal(pieces: pieces, key: key, nonce: nonceBytes(), into: output)
        nonce += 1
        return written
    }

    /// `decrypt` over caller memory: plaintext to the start of `output`; returns its length.
    public mutating func decrypt(_ ciphertext: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws -> Int {
        guard nonce < UInt64.max - 1 else { throw NoiseError.nonceExhausted }
        guard let written = try? Sodium.chachaOpen(ciphertext, key: key, nonce: nonceBytes(), associatedData: [], into: output) else {
            throw NoiseError.decryptionFailed
        }
        nonce += 1
        return written
    }
}
