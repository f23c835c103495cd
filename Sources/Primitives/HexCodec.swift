// SPDX-License-Identifier: Apache-2.0

/// The one hex codec (base 16, lowercase out, either case in).
///
/// Every layer's hex goes through here: the domain's `Hex` (BridgeCore), `ChainHex` (ChainCrypto),
/// the JSON-RPC `HexData` (Ethereum) and the CLI are thin forwards. Decoding is strict: even length,
/// hex digits only, and the `0x` prefix handled by an explicit rule.
public enum HexCodec {
    /// What decoding does with a leading `0x`.
    public enum PrefixRule: Sendable {
        /// `0x` or `0X` may be present.
        case optional
        /// `0x` (lowercase, the JSON-RPC DATA form) must be present.
        case required
    }

    /// Why a text is not hex.
    public enum DecodingError: Error, Equatable, Sendable, CustomStringConvertible {
        case missingPrefix
        case oddLength
        case wrongLength(expected: Int, actual: Int)
        case notHex

        public var description: String {
            switch self {
            case .missingPrefix: "no 0x prefix"
            case .oddLength: "odd hex length"
            case .wrongLength(let expected, let actual): "expected \(expected) bytes, got \(actual)"
            case .notHex: "not hex"
            }
        }
    }

    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Lowercase hex of `bytes`, with a `0x` prefix when `prefix` is true.
    public static func encode(_ bytes: some Sequence<UInt8>, prefix: Bool = true) -> String {
        var out: [UInt8] = prefix ? [48, 120] : []
        out.reserveCapacity(out.count + bytes.underestimatedCount * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses hex with or without `0x`/`0X`; nil on odd length or a non-hex character.
    public static func decode(_ text: String) -> [UInt8]? {
        try? decode(text, prefix: .optional)
    }

    /// Parses hex (with or without `0x`) that must decode to exactly `count` bytes.
    public static func decode(_ text: String, count: Int) -> [UInt8]? {
        try? decode(text, prefix: .optional, count: count)
    }

    /// Parses hex under `prefix`, optionally of exactly `count` bytes, saying why it is refused.
    public static func decode(_ text: String, prefix: PrefixRule, count: Int? = nil) throws(DecodingError) -> [UInt8] {
        var utf8 = Substring(text).utf8[...]
        let hasPrefix = utf8.count >= 2 && utf8.first == 48 && utf8.dropFirst().first.map { $0 == 120 || $0 == 88 } == true
        switch prefix {
        case .optional:
            if hasPrefix { utf8 = utf8.dropFirst(2) }
        case .required:
            guard hasPrefix, utf8.dropFirst().first == 120 else { throw .missingPrefix }
            utf8 = utf8.dropFirst(2)
        }
        guard utf8.count % 2 == 0 else { throw .oddLength }
        if let count, utf8.count != count * 2 { throw .wrongLength(expected: count, actual: utf8.count / 2) }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count / 2)
        var high: UInt8? = nil
        for character in utf8 {
            guard let value = nibble(character) else { throw .notHex }
            if let h = high {
                out.append(h << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: c - 48
        case 97...102: c - 87
        case 65...70: c - 55
        default: nil
        }
    }
}
