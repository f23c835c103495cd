// SPDX-License-Identifier: Apache-2.0

/// A proto3 writer producing exactly what the Koinos chain re-serializes (koinos.md §3).
///
/// Callers write fields in ascending field-number order. Scalars equal to their default (0, false,
/// empty bytes or string) are omitted; message-typed fields and oneof members are written whenever
/// they are set, even when empty or zero (`messageField`, `oneofVarint`), which is how a nonce
/// `value_type{uint64_value: 0}` still encodes to `28 00`. Repeated bytes get one tag per element.
public struct KoinosProtoWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    public mutating func writeVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    private mutating func tag(_ field: UInt32, _ wireType: UInt8) {
        writeVarint(UInt64(field) << 3 | UInt64(wireType))
    }

    /// A varint scalar (uint64, uint32, enum); omitted when zero.
    public mutating func uint64(_ field: UInt32, _ value: UInt64) {
        guard value != 0 else { return }
        oneofVarint(field, value)
    }

    /// A signed 32-bit varint (int32, sign-extended to 10 bytes when negative); omitted when zero.
    public mutating func int32(_ field: UInt32, _ value: Int32) {
        uint64(field, UInt64(bitPattern: Int64(value)))
    }

    /// A bool; `false` is omitted.
    public mutating func bool(_ field: UInt32, _ value: Bool) {
        uint64(field, value ? 1 : 0)
    }

    /// A varint that is always written: a oneof member holds its value even when zero.
    public mutating func oneofVarint(_ field: UInt32, _ value: UInt64) {
        tag(field, 0)
        writeVarint(value)
    }

    /// Bytes; omitted when empty.
    public mutating func bytes(_ field: UInt32, _ value: [UInt8]) {
        guard !value.isEmpty else { return }
        messageField(field, value)
    }

    /// A string as UTF-8; omitted when empty.
    public mutating func string(_ field: UInt32, _ value: String) {
        bytes(field, Array(value.utf8))
    }

    /// A length-delimited value that is always written: an embedded message, a oneof member, or one
    /// element of a repeated bytes field.
    public mutating func messageField(_ field: UInt32, _ value: [UInt8]) {
        tag(field, 2)
        writeVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// Every element of a repeated bytes field, one tag each (never packed).
    public mutating func repeatedBytes(_ field: UInt32, _ values: [[UInt8]]) {
        for value in values { messageField(field, value) }
    }
}
