// SPDX-License-Identifier: Apache-2.0

/// The one protobuf writer: fields in the order the caller writes them (callers write ascending
/// field numbers, so the output is deterministic), varints for integers, bools and enums,
/// length-delimited bytes, strings and embedded messages.
///
/// Whether a scalar equal to its default (0, false, empty bytes or string) is written is chosen
/// explicitly at `init`: proto3 as Go `proto.Marshal`, the AssemblyScript encoder and the Koinos
/// chain produce it omits them (`.omitted`: the bridge and Koinos messages, whose bytes are hashed
/// and signed); the libp2p proto2 messages (keys, identify, Noise payload) write every field that
/// is set (`.written`). Message fields and oneof members are always written (`messageField`,
/// `oneofVarint`), which is how a nonce `value_type{uint64_value: 0}` still encodes to `28 00`.
public struct ProtobufWriter: Sendable {
    /// What happens to a scalar equal to its default value.
    public enum DefaultValues: Sendable {
        case omitted
        case written
    }

    public let defaultValues: DefaultValues
    public private(set) var bytes: [UInt8] = []

    public init(defaultValues: DefaultValues) {
        self.defaultValues = defaultValues
    }

    /// A raw varint, no tag.
    public mutating func writeVarint(_ value: UInt64) {
        Varint.append(value, to: &bytes)
    }

    private mutating func tag(_ field: UInt32, _ wireType: UInt8) {
        writeVarint(UInt64(field) << 3 | UInt64(wireType))
    }

    /// A varint scalar (uint64, uint32, enum); zero follows `defaultValues`.
    public mutating func uint64(_ field: UInt32, _ value: UInt64) {
        guard value != 0 || defaultValues == .written else { return }
        oneofVarint(field, value)
    }

    /// A signed 32-bit varint (sign-extended to 10 bytes when negative); zero follows `defaultValues`.
    public mutating func int32(_ field: UInt32, _ value: Int32) {
        uint64(field, UInt64(bitPattern: Int64(value)))
    }

    /// A bool; `false` follows `defaultValues`.
    public mutating func bool(_ field: UInt32, _ value: Bool) {
        uint64(field, value ? 1 : 0)
    }

    /// A varint that is always written: a oneof member holds its value even when zero.
    public mutating func oneofVarint(_ field: UInt32, _ value: UInt64) {
        tag(field, 0)
        writeVarint(value)
    }

    /// Bytes; empty follows `defaultValues`.
    public mutating func bytes(_ field: UInt32, _ value: some Collection<UInt8>) {
        guard !value.isEmpty || defaultValues == .written else { return }
        messageField(field, value)
    }

    /// A string as UTF-8; empty follows `defaultValues`.
    public mutating func string(_ field: UInt32, _ value: String) {
        bytes(field, Array(value.utf8))
    }

    /// A length-delimited value that is always written: an embedded message, a oneof member, or one
    /// element of a repeated bytes field.
    public mutating func messageField(_ field: UInt32, _ value: some Collection<UInt8>) {
        tag(field, 2)
        writeVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// Every element of a repeated bytes field, one tag each (never packed).
    public mutating func repeatedBytes(_ field: UInt32, _ values: [[UInt8]]) {
        for value in values { messageField(field, value) }
    }
}
