// SPDX-License-Identifier: Apache-2.0
internal import CSodium

extension Sodium {
    /// ChaCha20-Poly1305 IETF over a message given in pieces (e.g. a yamux header and its payload),
    /// without first copying them together: the same bytes as `chachaSeal` over their concatenation,
    /// written to the start of `output` (ciphertext ‖ tag); returns the bytes written. Built from the
    /// two primitives libsodium's AEAD itself uses: the ChaCha20 stream from block 1 and a Poly1305
    /// over `ciphertext ‖ pad16 ‖ le64(0) ‖ le64(length)` keyed by block 0. No associated data.
    public static func chachaSeal(
        pieces: [UnsafeRawBufferPointer], key: [UInt8], nonce: [UInt8], into output: UnsafeMutableRawBufferPointer
    ) throws -> Int {
        ensureInitialized()
        guard key.count == 32, nonce.count == 12 else { throw Error.invalidLength("chacha20poly1305 key/nonce") }
        let total = pieces.reduce(0) { $0 + $1.count }
        guard output.count >= total + 16, let base = output.baseAddress else { throw Error.invalidLength("chacha20poly1305 output") }
        let out = base.assumingMemoryBound(to: UInt8.self)
        var position = 0
        for piece in pieces {
            guard piece.count > 0, let input = piece.baseAddress?.assumingMemoryBound(to: UInt8.self) else { continue }
            var offset = 0
            let within = position % 64
            if within != 0 {
                // The piece starts inside a keystream block the previous piece began: that block once more.
                var keystream = [UInt8](repeating: 0, count: 64)
                let zeros = [UInt8](repeating: 0, count: 64)
                crypto_stream_chacha20_ietf_xor_ic(&keystream, zeros, 64, nonce, UInt32(truncatingIfNeeded: 1 + position / 64), key)
                offset = min(64 - within, piece.count)
                for index in 0..<offset { out[position + index] = input[index] ^ keystream[within + index] }
            }
            if offset < piece.count {
                let start = position + offset
                crypto_stream_chacha20_ietf_xor_ic(
                    out + start, input + offset, UInt64(piece.count - offset), nonce, UInt32(truncatingIfNeeded: 1 + start / 64), key)
            }
            position += piece.count
        }
        var polyKey = [UInt8](repeating: 0, count: 64)
        defer { zero(&polyKey) }
        crypto_stream_chacha20_ietf(&polyKey, 64, nonce, key)
        var state = crypto_onetimeauth_poly1305_state()
        crypto_onetimeauth_poly1305_init(&state, polyKey)
        crypto_onetimeauth_poly1305_update(&state, out, UInt64(total))
        let padding = [UInt8](repeating: 0, count: 16)
        crypto_onetimeauth_poly1305_update(&state, padding, UInt64((16 - total % 16) % 16))
        var lengths = [UInt8](repeating: 0, count: 16)  // le64(associated data length = 0) ‖ le64(total)
        for index in 0..<8 { lengths[8 + index] = UInt8(truncatingIfNeeded: UInt64(total) >> UInt64(index * 8)) }
        crypto_onetimeauth_poly1305_update(&state, lengths, 16)
        crypto_onetimeauth_poly1305_final(&state, out + total)
        return total + 16
    }
}
