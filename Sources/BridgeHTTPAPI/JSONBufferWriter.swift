// SPDX-License-Identifier: Apache-2.0
import NIOCore

/// Writes JSON straight into a `ByteBuffer`, as `JSONResponse.encode` would print it (sorted keys,
/// no whitespace, slashes unescaped): the caller writes keys in sorted order; strings are escaped
/// like `JSONEncoder` does (`"` `\` and control characters; UTF-8 passes through).
struct JSONBufferWriter {
    private(set) var buffer: ByteBuffer
    /// Whether the next member or element needs a comma before it.
    private var needsComma = false

    init(capacity: Int) { buffer = ByteBufferAllocator().buffer(capacity: capacity) }

    mutating func beginObject() { separate(); buffer.writeInteger(UInt8(ascii: "{")); needsComma = false }
    mutating func endObject() { buffer.writeInteger(UInt8(ascii: "}")); needsComma = true }
    mutating func beginArray() { separate(); buffer.writeInteger(UInt8(ascii: "[")); needsComma = false }
    mutating func endArray() { buffer.writeInteger(UInt8(ascii: "]")); needsComma = true }

    /// `"name":` (names are ASCII identifiers, never escaped).
    mutating func key(_ name: StaticString) {
        separate()
        buffer.writeInteger(UInt8(ascii: "\""))
        buffer.writeStaticString(name)
        buffer.writeStaticString("\":")
        needsComma = false
    }

    mutating func null() { separate(); buffer.writeStaticString("null"); needsComma = true }
    mutating func bool(_ value: Bool) { separate(); buffer.writeStaticString(value ? "true" : "false"); needsComma = true }

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
            buffer.writeBytes(UnsafeRawBufferPointer(rebasing: d[(20 - count)...]))
        }
        needsComma = true
    }

    mutating func number(_ value: Int) {
        if value < 0 {
            separate()
            buffer.writeInteger(UInt8(ascii: "-"))
            needsComma = false
            number(value.magnitude.toUInt64)
        } else {
            number(UInt64(value))
        }
    }

    mutating func number(_ value: UInt32) { number(UInt64(value)) }

    mutating func string(_ value: String) {
        separate()
        buffer.writeInteger(UInt8(ascii: "\""))
        var text = value
        text.withUTF8 { utf8 in
            var start = 0
            for (i, byte) in utf8.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(utf8)[start..<i]))
                Self.escape(byte, into: &buffer)
                start = i + 1
            }
            buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(utf8)[start...]))
        }
        buffer.writeInteger(UInt8(ascii: "\""))
        needsComma = true
    }

    mutating func string(_ value: String?) { if let value { string(value) } else { null() } }
    mutating func number(_ value: UInt64?) { if let value { number(value) } else { null() } }
    mutating func number(_ value: Int?) { if let value { number(value) } else { null() } }

    private mutating func separate() {
        if needsComma { buffer.writeInteger(UInt8(ascii: ",")) }
    }

    private static func escape(_ byte: UInt8, into buffer: inout ByteBuffer) {
        switch byte {
        case UInt8(ascii: "\""): buffer.writeStaticString("\\\"")
        case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
        case 0x08: buffer.writeStaticString("\\b")
        case 0x0c: buffer.writeStaticString("\\f")
        case 0x0a: buffer.writeStaticString("\\n")
        case 0x0d: buffer.writeStaticString("\\r")
        case 0x09: buffer.writeStaticString("\\t")
        default:
            let hex: [UInt8] = Array("0123456789abcdef".utf8)
            buffer.writeStaticString("\\u00")
            buffer.writeInteger(hex[Int(byte >> 4)])
            buffer.writeInteger(hex[Int(byte & 0xf)])
        }
    }
}

extension UInt {
    fileprivate var toUInt64: UInt64 { UInt64(self) }
}
