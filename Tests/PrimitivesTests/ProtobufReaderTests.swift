// SPDX-License-Identifier: Apache-2.0
import Primitives
import Testing

/// The one protobuf reader at the edges of the wire format: every malformed input is an error
/// naming what is wrong, never a trap or a read past the input.
@Suite struct ProtobufReaderTests {
    @Test func whatTheWriterWritesIsReadBack() throws {
        var inner = ProtobufWriter(defaultValues: .written)
        inner.string(1, "inner")
        var writer = ProtobufWriter(defaultValues: .written)
        writer.uint64(1, 150)
        writer.int32(2, -1)
        writer.uint64(3, UInt64.max)
        writer.uint64(4, 1 << 63)
        writer.bytes(5, [1, 2, 3])
        writer.string(6, "héllo")
        writer.messageField(7, inner.bytes)
        let fields = try ProtobufReader.fields(writer.bytes)
        #expect(fields.map(\.number) == [1, 2, 3, 4, 5, 6, 7])
        #expect(fields[0].varint == 150)
        #expect(fields[1].varint == UInt64.max, "a negative int32 takes all ten bytes")
        #expect(fields[2].varint == UInt64.max)
        #expect(fields[3].varint == 1 << 63)
        #expect(fields[4].payload == [1, 2, 3])
        #expect(try fields[5].value.requireString() == "héllo")
        #expect(try ProtobufReader.fields(try fields[6].value.requireBytes()) == [ProtobufField(number: 1, value: .lengthDelimited(Array("inner".utf8)))])
    }

    @Test func fixedWidthFieldsAreLittleEndian() throws {
        let bytes: [UInt8] = [0x09, 1, 2, 3, 4, 5, 6, 7, 8, 0x15, 0xaa, 0xbb, 0xcc, 0xdd]
        #expect(try ProtobufReader.fields(bytes) == [
            ProtobufField(number: 1, value: .fixed64(0x0807_0605_0403_0201)), ProtobufField(number: 2, value: .fixed32(0xddcc_bbaa)),
        ])
    }

    @Test func varintsFollowTheProtobufRule() throws {
        var padded = ProtobufReader([0x80, 0x00])  // not minimal: protobuf accepts it
        #expect(try padded.readVarint() == 0)
        // An eleventh byte is never read: a tenth byte that continues (or carries bits above bit 63) is refused.
        #expect(throws: ProtobufDecodingError.varintOverflow) { try ProtobufReader.fields([0x08] + [UInt8](repeating: 0xff, count: 10) + [0x01]) }
        #expect(throws: ProtobufDecodingError.varintOverflow) { try ProtobufReader.fields([0x08] + [UInt8](repeating: 0x80, count: 10) + [0x00]) }
        #expect(throws: ProtobufDecodingError.varintOverflow) { try ProtobufReader.fields([0x08] + [UInt8](repeating: 0xff, count: 9) + [0x02]) }
        #expect(throws: ProtobufDecodingError.truncated) { try ProtobufReader.fields([0x08, 0x80]) }
        #expect(throws: ProtobufDecodingError.truncated) { try ProtobufReader.fields([0x80]) }
    }

    @Test func lengthsAndFixedFieldsPastTheEndAreTruncated() {
        #expect(throws: ProtobufDecodingError.truncated) { try ProtobufReader.fields([0x12, 0x05, 0x01]) }
        let hugeLength: [UInt8] = [0x12] + [UInt8](repeating: 0xff, count: 9) + [0x01]
        #expect(throws: ProtobufDecodingError.truncated) { try ProtobufReader.fields(hugeLength) }
        #expect(throws: ProtobufDecodingError.truncated) { try ProtobufReader.fields([0x09, 1, 2, 3, 4, 5, 6, 7]) }
        #expect(throws: ProtobufDecodingError.truncated) { try ProtobufReader.fields([0x15, 1, 2, 3]) }
    }

    @Test func fieldNumberZeroAndAboveTheRangeAreRefused() {
        #expect(throws: ProtobufDecodingError.invalidFieldNumber(0)) { try ProtobufReader.fields([0x00, 0x01]) }
        let key = Varint.encode(UInt64(1 << 29) << 3)
        #expect(throws: ProtobufDecodingError.invalidFieldNumber(1 << 29)) { try ProtobufReader.fields(key + [0x01]) }
        let highest = Varint.encode(UInt64((1 << 29) - 1) << 3)
        #expect(throws: Never.self) { try ProtobufReader.fields(highest + [0x01]) }
    }

    @Test func groupsAndUndefinedWireTypesAreRefused() {
        for wireType: UInt8 in [3, 4, 6, 7] {
            #expect(throws: ProtobufDecodingError.unsupportedWireType(wireType)) { try ProtobufReader.fields([0x08 | wireType, 0x00]) }
            var reader = ProtobufReader([0x00])
            #expect(throws: ProtobufDecodingError.unsupportedWireType(wireType)) { try reader.skip(wireType: wireType) }
        }
    }

    @Test func unknownFieldsOfEveryWireTypeAreSkipped() throws {
        let bytes: [UInt8] = [0x08, 0x96, 0x01, 0x11, 1, 2, 3, 4, 5, 6, 7, 8, 0x1a, 0x02, 0xff, 0xfe, 0x25, 1, 2, 3, 4, 0x28, 0x07]
        var reader = ProtobufReader(bytes)
        var kept: [UInt64] = []
        while !reader.isAtEnd {
            let (field, wireType) = try reader.readKey()
            if field == 5 { kept.append(try reader.readVarint()) } else { try reader.skip(wireType: wireType) }
        }
        #expect(kept == [7])
    }

    @Test func anEmbeddedReaderStopsAtItsOwnEnd() throws {
        // Field 1 embeds [08 01]; field 2 follows in the outer message.
        var outer = ProtobufReader([0x0a, 0x02, 0x08, 0x01, 0x10, 0x05])
        _ = try outer.readKey()
        var inner = try outer.readEmbedded()
        let innerKey = try inner.readKey()
        #expect(innerKey.field == 1 && innerKey.wireType == 0)
        #expect(try inner.readVarint() == 1)
        #expect(inner.isAtEnd)
        #expect(throws: ProtobufDecodingError.truncated) { try inner.readVarint() }
        let outerKey = try outer.readKey()
        #expect(outerKey.field == 2 && outerKey.wireType == 0)
        #expect(try outer.readVarint() == 5)
    }

    @Test func stringsMustBeUTF8AndValuesTheirWireType() {
        var reader = ProtobufReader([0x02, 0xc3, 0x28])
        #expect(throws: ProtobufDecodingError.invalidUTF8) { try reader.readString() }
        #expect(throws: ProtobufDecodingError.invalidUTF8) { try ProtobufField.Value.lengthDelimited([0xff]).requireString() }
        #expect(throws: ProtobufDecodingError.unexpectedWireType) { try ProtobufField.Value.varint(1).requireBytes() }
        #expect(throws: ProtobufDecodingError.unexpectedWireType) { try ProtobufField.Value.fixed32(1).requireVarint() }
    }
}
