// SPDX-License-Identifier: Apache-2.0
import ChainCrypto
import Crypto
import Foundation

/// A Noise CipherState for ChaChaPoly: a 32-byte key and a 64-bit counter nonce
/// (12-byte IETF nonce = 4 zero bytes ‖ little-endian counter). libsodium does the handshake's AEAD;
/// the transport's (the pointer methods) is libsodium's, swift-crypto's (BoringSSL) or OpenSSL's, as
/// `implementation` says: the same bytes either way.
public struct NoiseCipherState: Sendable {
    /// Which library encrypts transport messages.
    public enum Implementation: Sendable {
        /// libsodium, in place in the caller's memory.
        case libsodium
        /// swift-crypto's `ChaChaPoly` (BoringSSL's assembly); one copy in and out per message.
        case swiftCrypto
        /// The system's OpenSSL libcrypto (already loaded by libcurl), in place in the caller's memory.
        case openssl
    }

    /// Largest Noise message (ciphertext incl. tag).
    public static let maxMessageLength = 65535
    /// Poly1305 tag length.
    public static let tagLength = 16
    /// Largest plaintext per transport message.
    public static let maxPlaintextLength = maxMessageLength - tagLength

    private var key: [UInt8]
    public private(set) var nonce: UInt64 = 0
    public var implementation = Implementation.libsodium

    public init(key: [UInt8]) {
        precondition(key.count == 32)
        self.key = key
    }

    /// Made per message: a stored one would put swift-crypto's type in this public struct's layout.
    private var symmetricKey: SymmetricKey { SymmetricKey(data: key) }

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
        let written: Int
        switch implementation {
        case .swiftCrypto: written = try swiftCryptoSeal(plaintext, into: output)
        case .openssl: written = try OpenSSLChaChaPoly.seal(pieces: [plaintext], key: key, nonce: nonceBytes(), into: output)
        case .libsodium: written = try Sodium.chachaSeal(plaintext, key: key, nonce: nonceBytes(), associatedData: [], into: output)
        }
        nonce += 1
        return written
    }

    /// `encrypt` of the concatenation of `pieces` (not copied together first): ciphertext ‖ tag to the
    /// start of `output`; returns its length.
    public mutating func encrypt(pieces: [UnsafeRawBufferPointer], into output: UnsafeMutableRawBufferPointer) throws -> Int {
        guard nonce < UInt64.max - 1 else { throw NoiseError.nonceExhausted }
        let written: Int
        switch (implementation, pieces.count) {
        case (.swiftCrypto, 1):
            written = try swiftCryptoSeal(pieces[0], into: output)
        case (.swiftCrypto, _):
            var joined = [UInt8]()
            joined.reserveCapacity(pieces.reduce(0) { $0 + $1.count })
            for piece in pieces { joined.append(contentsOf: piece) }
            written = try joined.withUnsafeBytes { try swiftCryptoSeal($0, into: output) }
        case (.openssl, _):
            written = try OpenSSLChaChaPoly.seal(pieces: pieces, key: key, nonce: nonceBytes(), into: output)
        case (.libsodium, 1):
            written = try Sodium.chachaSeal(pieces[0], key: key, nonce: nonceBytes(), associatedData: [], into: output)
        case (.libsodium, _):
            written = try Sodium.chachaSeal(pieces: pieces, key: key, nonce: nonceBytes(), into: output)
        }
        nonce += 1
        return written
    }

    /// `decrypt` over caller memory: plaintext to the start of `output`; returns its length.
    public mutating func decrypt(_ ciphertext: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws -> Int {
        guard nonce < UInt64.max - 1 else { throw NoiseError.nonceExhausted }
        let opened: Int?
        switch implementation {
        case .swiftCrypto: opened = try? swiftCryptoOpen(ciphertext, into: output)
        case .openssl: opened = try? OpenSSLChaChaPoly.open(ciphertext, key: key, nonce: nonceBytes(), into: output)
        case .libsodium: opened = try? Sodium.chachaOpen(ciphertext, key: key, nonce: nonceBytes(), associatedData: [], into: output)
        }
        guard let written = opened else { throw NoiseError.decryptionFailed }
        nonce += 1
        return written
    }

    private func swiftCryptoSeal(_ plaintext: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws -> Int {
        guard output.count >= plaintext.count + Self.tagLength else { throw NoiseError.messageTooLarge(plaintext.count) }
        let box = try ChaChaPoly.seal(plaintext, using: symmetricKey, nonce: ChaChaPoly.Nonce(data: nonceBytes()))
        let written = box.ciphertext.copyBytes(to: output)
        return written + box.tag.copyBytes(to: UnsafeMutableRawBufferPointer(rebasing: output[written...]))
    }

    private func swiftCryptoOpen(_ sealed: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws -> Int {
        let length = sealed.count - Self.tagLength
        guard length >= 0, output.count >= length else { throw NoiseError.decryptionFailed }
        let box = try ChaChaPoly.SealedBox(
            nonce: ChaChaPoly.Nonce(data: nonceBytes()), ciphertext: UnsafeRawBufferPointer(rebasing: sealed[..<length]),
            tag: UnsafeRawBufferPointer(rebasing: sealed[length...]))
        return try ChaChaPoly.open(box, using: symmetricKey).copyBytes(to: output)
    }
}
