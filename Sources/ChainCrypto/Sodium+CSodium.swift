// SPDX-License-Identifier: Apache-2.0
internal import CSodium

/// The only file that calls libsodium.
extension Sodium {
    private static let initialized: Bool = sodium_init() >= 0

    static func ensureInitialized() {
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

    /// Keeps the pages of `bytes` out of swap (`sodium_mlock`, which also excludes them from core
    /// dumps where the system allows). False when the system refuses (e.g. `RLIMIT_MEMLOCK`): the
    /// bytes are still usable, only not locked. `bytes` must not change length while locked.
    @discardableResult
    public static func lock(_ bytes: inout [UInt8]) -> Bool {
        ensureInitialized()
        return bytes.withUnsafeMutableBytes { raw in
            guard let base = raw.baseAddress, raw.count > 0 else { return false }
            return sodium_mlock(base, raw.count) == 0
        }
    }

    /// Zeroes `bytes` and unlocks their pages (`sodium_munlock` zeroes before unlocking).
    public static func unlockAndZero(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { raw in
            guard let base = raw.baseAddress else { return }
            if sodium_munlock(base, raw.count) != 0 { sodium_memzero(base, raw.count) }
        }
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
        var out = [UInt8](repeating: 0, count: plaintext.count + 16)
        let written = try plaintext.withUnsafeBytes { input in
            try out.withUnsafeMutableBytes { try chachaSeal(input, key: key, nonce: nonce, associatedData: associatedData, into: $0) }
        }
        return Array(out.prefix(written))
    }

    public static func chachaOpen(_ sealed: [UInt8], key: [UInt8], nonce: [UInt8], associatedData: [UInt8]) throws -> [UInt8] {
        guard sealed.count >= 16 else { throw Error.authenticationFailed }
        var out = [UInt8](repeating: 0, count: sealed.count - 16)
        let written = try sealed.withUnsafeBytes { input in
            try out.withUnsafeMutableBytes { try chachaOpen(input, key: key, nonce: nonce, associatedData: associatedData, into: $0) }
        }
        return Array(out.prefix(written))
    }

    /// ChaCha20-Poly1305 IETF over caller memory (no copies): writes ciphertext ‖ tag
    /// (`plaintext.count + 16` bytes) to the start of `output`; returns the bytes written.
    public static func chachaSeal(
        _ plaintext: UnsafeRawBufferPointer, key: [UInt8], nonce: [UInt8], associatedData: [UInt8], into output: UnsafeMutableRawBufferPointer
    ) throws -> Int {
        ensureInitialized()
        guard key.count == 32, nonce.count == 12 else { throw Error.invalidLength("chacha20poly1305 key/nonce") }
        guard output.count >= plaintext.count + 16, let out = output.baseAddress else { throw Error.invalidLength("chacha20poly1305 output") }
        var outLength: UInt64 = 0
        withBytes(plaintext) { input in
            _ = crypto_aead_chacha20poly1305_ietf_encrypt(
                out.assumingMemoryBound(to: UInt8.self), &outLength, input, UInt64(plaintext.count), associatedData,
                UInt64(associatedData.count), nil, nonce, key)
        }
        return Int(outLength)
    }

    /// Verifies and decrypts `sealed` (ciphertext ‖ tag) into the start of `output`
    /// (`sealed.count - 16` bytes); returns the bytes written.
    public static func chachaOpen(
        _ sealed: UnsafeRawBufferPointer, key: [UInt8], nonce: [UInt8], associatedData: [UInt8], into output: UnsafeMutableRawBufferPointer
    ) throws -> Int {
        ensureInitialized()
        guard key.count == 32, nonce.count == 12 else { throw Error.invalidLength("chacha20poly1305 key/nonce") }
        guard sealed.count >= 16 else { throw Error.authenticationFailed }
        guard output.count >= sealed.count - 16 else { throw Error.invalidLength("chacha20poly1305 output") }
        var outLength: UInt64 = 0
        func decrypt(into out: UnsafeMutablePointer<UInt8>) -> Int32 {
            withBytes(sealed) { input in
                crypto_aead_chacha20poly1305_ietf_decrypt(
                    out, &outLength, nil, input, UInt64(sealed.count), associatedData, UInt64(associatedData.count), nonce, key)
            }
        }
        let rc: Int32
        if let base = output.baseAddress {
            rc = decrypt(into: base.assumingMemoryBound(to: UInt8.self))
        } else {
            var empty: UInt8 = 0
            rc = withUnsafeMutablePointer(to: &empty) { decrypt(into: $0) }
        }
        guard rc == 0 else { throw Error.authenticationFailed }
        return Int(outLength)
    }

    /// The bytes of `buffer` as a C pointer that is never NULL (libsodium wants one even for 0 bytes).
    private static func withBytes<R>(_ buffer: UnsafeRawBufferPointer, _ body: (UnsafePointer<UInt8>) -> R) -> R {
        if let base = buffer.baseAddress { return body(base.assumingMemoryBound(to: UInt8.self)) }
        var empty: UInt8 = 0
        return withUnsafePointer(to: &empty) { body($0) }
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
