// SPDX-License-Identifier: Apache-2.0
import Primitives

/// The gossipsub RPC's proto2 writer (every set field written): names for the one
/// `Primitives.ProtobufWriter` that read like the RPC encoder.
struct GossipProtobufWriter {
    private var writer = ProtobufWriter(defaultValues: .written)

    init() {}

    var bytes: [UInt8] { writer.bytes }

    mutating func writeVarint(_ value: UInt64) {
        writer.writeVarint(value)
    }

    mutating func writeVarintField(_ field: UInt64, _ value: UInt64) {
        writer.uint64(UInt32(truncatingIfNeeded: field), value)
    }

    mutating func writeBytesField(_ field: UInt64, _ value: some Collection<UInt8>) {
        writer.bytes(UInt32(truncatingIfNeeded: field), value)
    }

    mutating func writeStringField(_ field: UInt64, _ value: String) {
        writer.string(UInt32(truncatingIfNeeded: field), value)
    }
}
