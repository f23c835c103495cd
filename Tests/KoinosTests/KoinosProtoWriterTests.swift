// SPDX-License-Identifier: Apache-2.0
import Koinos
import Primitives
import Testing

/// `KoinosProtoWriter` is only a name for the one writer with proto3 default omission.
struct KoinosProtoWriterTests {
    @Test func writesWhatTheOneWriterWritesWithDefaultsOmitted() {
        var koinos = KoinosProtoWriter()
        var one = ProtobufWriter(defaultValues: .omitted)
        koinos.uint64(1, 0); one.uint64(1, 0)
        koinos.bool(2, true); one.bool(2, true)
        koinos.int32(3, -2); one.int32(3, -2)
        koinos.oneofVarint(5, 0); one.oneofVarint(5, 0)
        koinos.bytes(6, []); one.bytes(6, [UInt8]())
        koinos.string(7, "koin"); one.string(7, "koin")
        koinos.messageField(8, []); one.messageField(8, [UInt8]())
        koinos.repeatedBytes(9, [[1], [2, 3]]); one.repeatedBytes(9, [[1], [2, 3]])
        koinos.writeVarint(300); one.writeVarint(300)
        #expect(koinos.bytes == one.bytes)
        #expect(koinos.bytes.starts(with: [0x10, 0x01, 0x18, 0xfe]), "false and zero left out, -2 sign-extended")
        #expect(koinos.bytes.contains(0x28), "the oneof member written even when zero")
    }
}
