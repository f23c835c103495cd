// SPDX-License-Identifier: Apache-2.0

/// Koinos compact signatures: `[31 + recid] ‖ r ‖ s`, 65 bytes, low-S (koinos.md §4.1 step 5).
public enum KoinosSignature {
    /// Signs a 32-byte digest with RFC 6979 and low-S.
    public static func sign(digest: [UInt8], key: Secp256k1.PrivateKey) throws -> [UInt8] {
        let sig = try key.signRecoverable(digest: digest)
        return [UInt8(31 + sig.recoveryID)] + sig.r + sig.s
    }

    /// The recoverable signature inside a 65-byte Koinos compact form. Strict, as the chain:
    /// header 31 or 32 only, s ≤ n/2.
    public static func parse(_ bytes: [UInt8]) -> Secp256k1.RecoverableSignature? {
        guard bytes.count == 65, bytes[0] == 31 || bytes[0] == 32, Secp256k1.isLowS(bytes[33..<65]) else { return nil }
        return try? Secp256k1.RecoverableSignature(r: Array(bytes[1..<33]), s: Array(bytes[33..<65]), recoveryID: Int(bytes[0] - 31))
    }

    /// The Koinos address that signed `digest`, or nil.
    public static func recoverAddress(digest: [UInt8], signature: [UInt8]) -> KoinosAddress? {
        guard let sig = parse(signature), let key = try? sig.recoverPublicKey(digest: digest) else { return nil }
        return KoinosAddress(publicKey: key)
    }
}

/// Ethereum signatures for contract `ecrecover`: `r ‖ s ‖ v`, v = 27/28, over EIP-191 digests.
public enum EthereumSignature {
    /// keccak256("\x19Ethereum Signed Message:\n32" ‖ hash32).
    public static func eip191Digest(of hash32: [UInt8]) -> [UInt8] {
        Keccak256.hash(Array("\u{19}Ethereum Signed Message:\n32".utf8) + hash32)
    }

    public static func sign(digest: [UInt8], key: Secp256k1.PrivateKey) throws -> [UInt8] {
        let sig = try key.signRecoverable(digest: digest)
        return sig.r + sig.s + [UInt8(27 + sig.recoveryID)]
    }

    /// The address `ecrecover` would return; accepts v ∈ {0, 1, 27, 28} as the contracts do.
    public static func recoverAddress(digest: [UInt8], signature: [UInt8]) -> EthereumAddress? {
        guard signature.count == 65 else { return nil }
        let v = signature[64] < 27 ? Int(signature[64]) : Int(signature[64]) - 27
        guard (0...1).contains(v),
              let sig = try? Secp256k1.RecoverableSignature(r: Array(signature[0..<32]), s: Array(signature[32..<64]), recoveryID: v),
              let key = try? sig.recoverPublicKey(digest: digest)
        else { return nil }
        return EthereumAddress(publicKey: key)
    }
}

/// Base64url with padding, as Koinos JSON and the old validator carry bytes.
public enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    private static let reverse: [Int8] = {
        var t = [Int8](repeating: -1, count: 128)
        for (i, c) in alphabet.enumerated() { t[Int(c)] = Int8(i) }
        t[Int(UInt8(ascii: "+"))] = 62
        t[Int(UInt8(ascii: "/"))] = 63
        return t
    }()

    public static func encode(_ bytes: [UInt8], padded: Bool = true) -> String {
        var out = [UInt8]()
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 3 <= bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            for shift in [18, 12, 6, 0] { out.append(alphabet[Int(n >> UInt32(shift) & 63)]) }
            i += 3
        }
        let rest = bytes.count - i
        if rest > 0 {
            let n = UInt32(bytes[i]) << 16 | (rest == 2 ? UInt32(bytes[i + 1]) << 8 : 0)
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            if rest == 2 { out.append(alphabet[Int(n >> 6 & 63)]) }
            if padded { out.append(contentsOf: [UInt8](repeating: 61, count: 3 - rest)) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes base64url or standard base64, padded or not; nil when malformed.
    public static func decode(_ text: String) -> [UInt8]? {
        var chars = Array(text.utf8)
        while chars.last == 61 { chars.removeLast() }
        guard chars.count % 4 != 1 else { return nil }
        var out = [UInt8]()
        var acc: UInt32 = 0
        var bits = 0
        for c in chars {
            guard c < 128, reverse[Int(c)] >= 0 else { return nil }
            acc = acc << 6 | UInt32(reverse[Int(c)])
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: acc >> UInt32(bits)))
            }
        }
        return out
    }
}
