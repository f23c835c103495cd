// SPDX-License-Identifier: Apache-2.0
import NIOCore

/// Writes JSON as `JSONResponse.encode` would print it (sorted keys, no whitespace, slashes
/// unescaped): the caller writes keys in sorted order; strings are escaped like `JSONEncoder` does
/// (`"` `\` and control characters; UTF-8 passes through).
///
/// The bytes collect in a local `[UInt8]` and are copied into a `ByteBuffer` once at the end:
/// each write straight into a `ByteBuffer` paid a uniqueness check and a dynamic exclusivity
/// check on its storage (profiled: writing the detail's 60-odd keys that way was half of the
/// renderer's time), an array append pays neither.
struct JSONBufferWriter {
    private var bytes: [UInt8]
    /// Whether the next member or element needs a comma before it.
    private var needsComma = false

    init(capacity: Int) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// What was written, as one buffer.
    var buffer: ByteBuffer { ByteBuffer(bytes: bytes) }

    mutating func beginObject() { separate(); bytes.append(UInt8(ascii: "{")); needsComma = false }
    mutating func endObject() { bytes.append(UInt8(ascii: "}")); needsComma = true }
    mutating func beginArray() { separate(); bytes.append(UInt8(ascii: "[")); needsComma = false }
    mutating func endArray() { bytes.append(UInt8(ascii: "]")); needsComma = true }

    /// `"name":` (names are ASCII identifiers, never escaped).
    mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        append(name)
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    mutating func null() { separate(); append("null"); needsComma = true }
    mutating func bool(_ value: Bool) { separate(); append(value ? "true" : "false"); needsComma = true }

    mutating func number(_ value: UInt64) {
        separate()
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var v = value, count = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[19 - count] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
                count += 1
            } while v > 0
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: d[(20 - count)...]))
        }
        needsComma = true
    }

    mutating func number(_ value: Int) {
        if value < 0 {
            separate()
            bytes.append(UInt8(ascii: "-"))
            needsComma = false
            number(value.magnitude.toUInt64)
        } else {
            number(UInt64(value))
        }
    }

    mutating func number(_ value: UInt32) { number(UInt64(value)) }

    mutating func string(_ value: String) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        var text = value
        text.withUTF8 { utf8 in
            var start = 0
            for (i, byte) in utf8.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<i]))
                Self.escape(byte, into: &self)
                start = i + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    /// `"0x…"`: lowercase hex, as `Hex.encode` writes it, without making the string first.
    mutating func hex(_ value: [UInt8]) {
        separate()
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: "0"), UInt8(ascii: "x")])
        Self.hexDigits.withUTF8Buffer { digits in
            for byte in value {
                bytes.append(digits[Int(byte >> 4)])
                bytes.append(digits[Int(byte & 0xf)])
            }
        }
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    /// `"…"`: base64url with `=` padding, as `TextForms.base64URL` (`Base64URL.encode`) writes it,
    /// without making the string first (profiled: the string and its array were ~1 µs of a detail
    /// with three signatures).
    mutating func base64URL(_ value: [UInt8]) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        Self.base64URLDigits.withUTF8Buffer { alphabet in
            func digit(_ n: UInt32, _ shift: UInt32) -> UInt8 { alphabet[Int(n >> shift & 63)] }
            var i = 0
            while i + 3 <= value.count {
                let n = UInt32(value[i]) << 16 | UInt32(value[i + 1]) << 8 | UInt32(value[i + 2])
                bytes.append(digit(n, 18)); bytes.append(digit(n, 12)); bytes.append(digit(n, 6)); bytes.append(digit(n, 0))
                i += 3
            }
            let rest = value.count - i
            guard rest > 0 else { return }
            let n = UInt32(value[i]) << 16 | (rest == 2 ? UInt32(value[i + 1]) << 8 : 0)
            bytes.append(digit(n, 18)); bytes.append(digit(n, 12))
            bytes.append(rest == 2 ? digit(n, 6) : UInt8(ascii: "="))
            bytes.append(UInt8(ascii: "="))
        }
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    mutating func hex(_ value: [UInt8]?) { if let value { hex(value) } else { null() } }
    mutating func string(_ value: String?) { if let value { string(value) } else { null() } }
    mutating func number(_ value: UInt64?) { if let value { number(value) } else { null() } }
    mutating func number(_ value: Int?) { if let value { number(value) } else { null() } }

    private static var hexDigits: StaticString { "0123456789abcdef" }
    private static var base64URLDigits: StaticString { "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_" }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    private mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    private static func escape(_ byte: UInt8, into w: inout JSONBufferWriter) {
        switch byte {
        case UInt8(ascii: "\""): w.append("\\\"")
        case UInt8(ascii: "\\"): w.append("\\\\")
        case 0x08: w.append("\\b")
        case 0x0c: w.append("\\f")
        case 0x0a: w.append("\\n")
        case 0x0d: w.append("\\r")
        case 0x09: w.append("\\t")
        default:
            w.append("\\u00")
            hexDigits.withUTF8Buffer { digits in
                w.bytes.append(digits[Int(byte >> 4)])
                w.bytes.append(digits[Int(byte & 0xf)])
            }
        }
    }
}

extension UInt {
    fileprivate var toUInt64: UInt64 { UInt64(self) }
}
