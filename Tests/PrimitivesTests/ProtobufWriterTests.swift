// SPDX-License-Identifier: Apache-2.0
import Primitives
import Testing

@Suite struct ProtobufWriterTests {
    /// The same calls under both rules: proto3 (hashed and signed bridge/Koinos messages) omits
    /// default scalars, proto2 (libp2p keys, identify, Noise payload) writes every set field.
    @Test func defaultValuesAreOmittedOrWrittenAsChosen() {
        func write(_ rule: ProtobufWriter.DefaultValues) -> [UInt8] {
            var writer = ProtobufWriter(defaultValues: rule)
            writer.uint64(1, 0)
            writer.bool(2, false)
            writer.bytes(3, [UInt8]())
            writer.string(4, "")
            writer.int32(5, 0)
            writer.uint64(6, 150)
            return writer.bytes
        }
        #expect(write(.omitted) == [0x30, 0x96, 0x01])
        #expect(write(.written) == [0x08, 0x00, 0x10, 0x00, 0x1a, 0x00, 0x22, 0x00, 0x28, 0x00, 0x30, 0x96, 0x01])
    }

    @Test func messageFieldsAndOneofMembersAreAlwaysWritten() {
        var writer = ProtobufWriter(defaultValues: .omitted)
        writer.oneofVarint(5, 0)
        writer.messageField(2, [UInt8]())
        writer.repeatedBytes(7, [[1], []])
        #expect(writer.bytes == [0x28, 0x00, 0x12, 0x00, 0x3a, 0x01, 0x01, 0x3a, 0x00])
    }

    @Test func negativeInt32IsSignExtendedToTenBytes() {
        var writer = ProtobufWriter(defaultValues: .omitted)
        writer.int32(1, -1)
        #expect(writer.bytes == [0x08] + [UInt8](repeating: 0xff, count: 9) + [0x01])
        var text = ProtobufWriter(defaultValues: .omitted)
        text.string(15, "é")
        #expect(text.bytes == [0x7a, 0x02, 0xc3, 0xa9])
    }
}
