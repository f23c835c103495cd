// SPDX-License-Identifier: Apache-2.0

/// Base58 with the Bitcoin alphabet, and base58check (payload ‖ first 4 bytes of double sha256).
public enum Base58 {
    private static let alphabet: [UInt8] = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)
    private static let indexes: [Int8] = {
        var table = [Int8](repeating: -1, count: 128)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = Int8(i) }
        return table
    }()

    public static func encode(_ bytes: [UInt8]) -> String {
        let zeros = bytes.prefix { $0 == 0 }.count
        var digits = [UInt8]()  // base-58 digits, little-endian
        digits.reserveCapacity(bytes.count * 138 / 100 + 1)
        for byte in bytes[zeros...] {
            var carry = Int(byte)
            for i in 0..<digits.count {
                carry += Int(digits[i]) << 8
                digits[i] = UInt8(carry % 58)
                carry /= 58
            }
            while carry > 0 {
                digits.append(UInt8(carry % 58))
                carry /= 58
            }
        }
        let text = [UInt8](repeating: alphabet[0], count: zeros) + digits.reversed().map { alphabet[Int($0)] }
        return String(decoding: text, as: UTF8.self)
    }

    /// Decodes base58; nil on a character outside the alphabet.
    public static func decode(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        let zeros = utf8.prefix { $0 == alphabet[0] }.count
        var bytes = [UInt8]()  // little-endian
        for c in utf8[zeros...] {
            guard c < 128, indexes[Int(c)] >= 0 else { return nil }
            var carry = Int(indexes[Int(c)])
            for i in 0..<bytes.count {
                carry += Int(bytes[i]) * 58
                bytes[i] = UInt8(carry & 0xff)
                carry >>= 8
            }
            while carry > 0 {
                bytes.append(UInt8(carry & 0xff))
                carry >>= 8
            }
        }
        return [UInt8](repeating: 0, count: zeros) + bytes.reversed()
    }

    /// base58(payload ‖ checksum4).
    public static func encodeCheck(_ payload: [UInt8]) -> String {
        encode(payload + SHA256Digest.doubleHash(payload).prefix(4))
    }

    /// The payload of a base58check string; nil when malformed or the checksum does not match.
    public static func decodeCheck(_ text: String) -> [UInt8]? {
        guard let raw = decode(text), raw.count >= 4 else { return nil }
        let payload = Array(raw.dropLast(4))
        guard Array(raw.suffix(4)) == Array(SHA256Digest.doubleHash(payload).prefix(4)) else { return nil }
        return payload
    }
}
