// SPDX-License-Identifier: Apache-2.0

/// A minimal proto3 writer with the contracts' exact default-omission rules.
///
/// Standard proto3 as Go `proto.Marshal` and the AssemblyScript encoder produce it: fields in the
/// order the caller writes them (callers write ascending field numbers), scalar fields equal to
/// their default (0, false, empty bytes or string) omitted, varints for integers and enums,
/// length-delimited bytes and strings (bridge-contracts.md §2.2, koinos.md §3).
public struct ProtobufWriter: Sendable {
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

    /// Writes a varint field (uint64, uint32, enum, bool); omitted when zero.
    public mutating func uint64(_ field: UInt32, _ value: UInt64) {
        guard value != 0 else { return }
        writeVarint(UInt64(field) << 3)
        writeVarint(value)
    }

    /// Writes a bool field; `false` is the default and is omitted.
    public mutating func bool(_ field: UInt32, _ value: Bool) {
        uint64(field, value ? 1 : 0)
    }

    /// Writes a length-delimited field; omitted when empty.
    public mutating func bytes(_ field: UInt32, _ value: [UInt8]) {
        guard !value.isEmpty else { return }
        writeVarint(UInt64(field) << 3 | 2)
        writeVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// Writes a string field as UTF-8; omitted when empty.
    public mutating func string(_ field: UInt32, _ value: String) {
        bytes(field, Array(value.utf8))
    }
}
