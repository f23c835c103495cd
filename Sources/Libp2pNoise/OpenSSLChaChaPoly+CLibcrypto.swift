// SPDX-License-Identifier: Apache-2.0
import CLibcrypto

/// ChaCha20-Poly1305 (RFC 8439, 12-byte nonce, no associated data) through the system's OpenSSL
/// libcrypto, in caller memory: sealing runs over the pieces of a message one after another (they
/// are never joined), opening writes the plaintext straight to its destination. The same bytes as
/// libsodium's and swift-crypto's; `NoiseCipherState.Implementation.openssl` selects it.
/// Input and output must not overlap unless they start at the same address.
enum OpenSSLChaChaPoly {
    static let tagLength = 16

    /// Fetched once: initialising with `EVP_chacha20_poly1305()` would look the provider up per message.
    nonisolated(unsafe) private static let cipher: OpaquePointer? = EVP_CIPHER_fetch(nil, "ChaCha20-Poly1305", nil)

    enum Failure: Error { case unavailable, outputTooSmall, authenticationFailed }

    /// Ciphertext ‖ tag of the concatenation of `pieces` to the start of `output`; returns its length.
    static func seal(
        pieces: [UnsafeRawBufferPointer], key: [UInt8], nonce: [UInt8], into output: UnsafeMutableRawBufferPointer
    ) throws -> Int {
        let length = pieces.reduce(0) { $0 + $1.count }
        guard output.count >= length + tagLength, let out = output.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
            throw Failure.outputTooSmall
        }
        guard let cipher, let context = EVP_CIPHER_CTX_new() else { throw Failure.unavailable }
        defer { EVP_CIPHER_CTX_free(context) }
        guard EVP_EncryptInit_ex2(context, cipher, key, nonce, nil) == 1 else { throw Failure.unavailable }
        var written = 0
        for piece in pieces where piece.count > 0 {
            var pieceLength: Int32 = 0
            guard let count = Int32(exactly: piece.count),
                EVP_EncryptUpdate(context, out + written, &pieceLength, piece.baseAddress!.assumingMemoryBound(to: UInt8.self), count) == 1
            else { throw Failure.unavailable }
            written += Int(pieceLength)
        }
        var finalLength: Int32 = 0
        guard EVP_EncryptFinal_ex(context, out + written, &finalLength) == 1 else { throw Failure.unavailable }
        written += Int(finalLength)
        guard written == length, EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_AEAD_GET_TAG, Int32(tagLength), out + written) == 1 else {
            throw Failure.unavailable
        }
        return written + tagLength
    }

    /// Plaintext of `sealed` (ciphertext ‖ tag) to the start of `output` once the tag verified;
    /// returns its length. On a bad tag it throws (`output` may then hold unverified bytes).
    static func open(
        _ sealed: UnsafeRawBufferPointer, key: [UInt8], nonce: [UInt8], into output: UnsafeMutableRawBufferPointer
    ) throws -> Int {
        let length = sealed.count - tagLength
        guard length >= 0, let input = sealed.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
            throw Failure.authenticationFailed
        }
        guard output.count >= length, let count = Int32(exactly: length) else { throw Failure.outputTooSmall }
        guard let cipher, let context = EVP_CIPHER_CTX_new() else { throw Failure.unavailable }
        defer { EVP_CIPHER_CTX_free(context) }
        guard EVP_DecryptInit_ex2(context, cipher, key, nonce, nil) == 1 else { throw Failure.unavailable }
        var tag = [UInt8](UnsafeRawBufferPointer(rebasing: sealed[length...]))
        guard EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_AEAD_SET_TAG, Int32(tagLength), &tag) == 1 else { throw Failure.unavailable }
        var written = 0
        if length > 0 {
            var updated: Int32 = 0
            guard let out = output.baseAddress?.assumingMemoryBound(to: UInt8.self),
                EVP_DecryptUpdate(context, out, &updated, input, count) == 1
            else { throw Failure.authenticationFailed }
            written = Int(updated)
        }
        var finalLength: Int32 = 0
        var scratch: UInt8 = 0
        let finalOut = output.baseAddress.map { $0.assumingMemoryBound(to: UInt8.self) + written }
        let verified = finalOut.map { EVP_DecryptFinal_ex(context, $0, &finalLength) } ?? EVP_DecryptFinal_ex(context, &scratch, &finalLength)
        guard verified > 0 else { throw Failure.authenticationFailed }
        return written + Int(finalLength)
    }
}
