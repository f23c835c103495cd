// SPDX-License-Identifier: Apache-2.0

/// Hex helpers for byte arrays, used by every domain value's text form.
///
/// The domain speaks `[UInt8]`; these helpers give the `0x`-prefixed lowercase hex that logs,
/// the HTTP API and the CLI print, and parse it back strictly (even length, hex digits only).
public enum Hex {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Lowercase hex of `bytes`, with a `0x` prefix when `prefix` is true.
    public static func encode(_ bytes: some Sequence<UInt8>, prefix: Bool = true) -> String {
        var out: [UInt8] = prefix ? [48, 120] : []
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses hex with or without `0x`; nil on odd length or a non-hex character.
    public static func decode(_ text: String) -> [UInt8]? {
        var utf8 = Array(text.utf8)
        if utf8.count >= 2, utf8[0] == 48, utf8[1] == 120 || utf8[1] == 88 { utf8.removeFirst(2) }
        guard utf8.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count / 2)
        var i = 0
        while i < utf8.count {
            guard let hi = nibble(utf8[i]), let lo = nibble(utf8[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    /// Parses hex that must decode to exactly `count` bytes.
    public static func decode(_ text: String, count: Int) -> [UInt8]? {
        guard let bytes = decode(text), bytes.count == count else { return nil }
        return bytes
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
