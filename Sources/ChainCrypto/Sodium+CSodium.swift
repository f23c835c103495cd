// SPDX-License-Identifier: Apache-2.0
internal import CSodium

/// The only file that calls libsodium.
extension Sodium {
    private static let initialized: Bool = sodium_init() >= 0

    private static func ensureInitialized() {
        precondition(initialized, "libsodium failed to initialise")
    }

    public static func randomBytes(_ count: Int) -> [UInt8] {
        ensureInitialized()
        var out = [UInt8](repeating: 0, count: count)
        out.withUnsafeMutableBytes { randombytes_buf($0.baseAddress!, count) }
        return out
    }

    /// Overwrites `bytes` with zeros in a way the optimiser cannot remove.
    public static func zero(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { if let base = $0.baseAddress { sodium_memzero(base, $0.count) } }
    }

    /// Argon2id (`crypto_pwhash`, ALG_ARGON2ID13) → `length` key bytes.
    public static func argon2id(password: [UInt8], salt: [UInt8], limits: PasswordHashLimits, length: Int = 32) throws -> [UInt8] {
        ensureInitialized()
        guard salt.count == Int(crypto_pwhash_SALTBYTES) else { throw Error.invalidLength("argon2id salt") }
        var key = [UInt8](repeating: 0, count: length)
        let empty: [CChar] = [0]
        let rc = password.withUnsafeBytes { raw in
            empty.withUnsafeBufferPointer { fallback in
                crypto_pwhash(
                    &key, UInt64(length), raw.bindMemory(to: CChar.self).baseAddress ?? fallback.baseAddress!,
                    UInt64(password.count), salt, limits.operations, Int(limits.memoryBytes), crypto_pwhash_ALG_ARGON2ID13)
            }
        }
        guard rc == 0 else { throw Error.keyDerivationFailed }
        return key
    }

    /// XChaCha20-Poly1305 IETF: ciphertext ‖ 16-byte tag.
    public static func xchachaSeal(_ plaintext: [UInt8], key: [UInt8], nonce: [UInt8], associatedData: [UInt8] = []) throws -> [UInt8] {
        ensureInitialized()
        guard key.count == 32, nonce.count == 24 else { throw Error.invalidLength("xchacha20poly1305 key/nonce") }
        var out = [UInt8](repeating: 0, count: plaintext.count + 16)
        var outLength: UInt64 = 0
        crypto_aead_xchacha20poly1305_ietf_encrypt(
            &out, &outLength, plaintext, UInt64(plaintext.count), associatedData, UInt64(associatedData.count), nil, nonce, key)
        return Array(out.prefix(Int(outLength)))
    }

    public static func xchachaOpen(_ sealed: [UInt8], key: [UInt8], nonce: [UInt8], associatedData: [UInt8] = []) throws -> [UInt8] {
        ensureInitialized()
        guard key.count == 32, nonce.count == 24 else { throw Error.invalidLength("xchacha20poly1305 key/nonce") }
        guard sealed.count >= 16 else { throw Error.authenticationFailed }
        var out = [UInt8](repeating: 0, count: sealed.count - 16)
        var outLength: UInt64 = 0
        let rc = crypto_aead_xchacha20poly1305_ietf_decrypt(
            &out, &outLength, nil, sealed, UInt64(sealed.count), associatedData, UInt64(associatedData.count), nonce, key)
        guard rc == 0 else { throw Error.authenticationFailed }
        return Array(out.prefix(Int(outLength)))
    }

    /// ChaCha20-Poly1305 IETF (12-byte nonce), as Noise uses it: ciphertext ‖ tag.
    public static func chachaSeal(_ plaintext: [UInt8], key: [UInt8], nonce: [UInt8], associatedData: [UInt8]) throws -> [UInt8] {
        ensureInitialized()
        guard key.count == 32, nonce.count == 12 else { throw Error.invalidLength("chacha20poly1305 key/nonce") }
        var out = [UInt8](repeating: 0, count: plaintext.count + 16)
        var outLength: UInt64 = 0
        crypto_aead_chacha20poly1305_ietf_encrypt(
            &out, &outLength, plaintext, UInt64(plaintext.count), associatedData, UInt64(associatedData.count), nil, nonce, key)
        return Array(out.prefix(Int(outLength)))
    }

    public static func chachaOpen(_ sealed: [UInt8], key: [UInt8], nonce: [UInt8], associatedData: [UInt8]) throws -> [UInt8] {
        ensureInitialized()
        guard key.count == 32, nonce.count == 12 else { throw Error.invalidLength("chacha20poly1305 key/nonce") }
        guard sealed.count >= 16 else { throw Error.authenticationFailed }
        var out = [UInt8](repeating: 0, count: sealed.count - 16)
        var outLength: UInt64 = 0
        let rc = crypto_aead_chacha20poly1305_ietf_decrypt(
            &out, &outLength, nil, sealed, UInt64(sealed.count), associatedData, UInt64(associatedData.count), nonce, key)
        guard rc == 0 else { throw Error.authenticationFailed }
        return Array(out.prefix(Int(outLength)))
    }

    /// X25519 public key of a 32-byte secret.
    public static func x25519PublicKey(secret: [UInt8]) throws -> [UInt8] {
        ensureInitialized()
        guard secret.count == 32 else { throw Error.invalidLength("x25519 secret") }
        var out = [UInt8](repeating: 0, count: 32)
        guard crypto_scalarmult_base(&out, secret) == 0 else { throw Error.invalidLength("x25519 secret") }
        return out
    }

    /// X25519 shared secret; throws on a low-order peer point (all-zero output).
    public static func x25519(secret: [UInt8], peerPublicKey: [UInt8]) throws -> [UInt8] {
        ensureInitialized()
        guard secret.count == 32, peerPublicKey.count == 32 else { throw Error.invalidLength("x25519 key") }
        var out = [UInt8](repeating: 0, count: 32)
        guard crypto_scalarmult(&out, secret, peerPublicKey) == 0 else { throw Error.authenticationFailed }
        return out
    }
}
