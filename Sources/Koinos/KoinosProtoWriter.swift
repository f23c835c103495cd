// SPDX-License-Identifier: Apache-2.0
import Primitives

/// The Koinos spelling of the one protobuf writer, `Primitives.ProtobufWriter(defaultValues: .omitted)`:
/// exactly what the Koinos chain re-serializes (koinos.md §3). A thin forward kept so code written
/// against the old name builds; new code uses `ProtobufWriter(defaultValues: .omitted)`.
public struct KoinosProtoWriter: Sendable {
    private var writer = ProtobufWriter(defaultValues: .omitted)

    public init() {}

    public var bytes: [UInt8] { writer.bytes }

    public mutating func writeVarint(_ value: UInt64) { writer.writeVarint(value) }
    public mutating func uint64(_ field: UInt32, _ value: UInt64) { writer.uint64(field, value) }
    public mutating func int32(_ field: UInt32, _ value: Int32) { writer.int32(field, value) }
    public mutating func bool(_ field: UInt32, _ value: Bool) { writer.bool(field, value) }
    public mutating func oneofVarint(_ field: UInt32, _ value: UInt64) { writer.oneofVarint(field, value) }
    public mutating func bytes(_ field: UInt32, _ value: [UInt8]) { writer.bytes(field, value) }
    public mutating func string(_ field: UInt32, _ value: String) { writer.string(field, value) }
    public mutating func messageField(_ field: UInt32, _ value: [UInt8]) { writer.messageField(field, value) }
    public mutating func repeatedBytes(_ field: UInt32, _ values: [[UInt8]]) { writer.repeatedBytes(field, values) }
}
