// SPDX-License-Identifier: Apache-2.0
import Primitives
import Testing

@Suite struct VarintTests {
    @Test func encodesSevenBitsPerByte() {
        #expect(Varint.encode(0) == [0x00])
        #expect(Varint.encode(127) == [0x7f])
        #expect(Varint.encode(300) == [0xac, 0x02])
        #expect(Varint.encode(UInt64.max) == [UInt8](repeating: 0xff, count: 9) + [0x01])
    }

    @Test func protobufRuleTakesTenBytesAndPadding() throws {
        for value: UInt64 in [0, 1, 127, 128, 300, 1 << 35, 1 << 63, UInt64.max, UInt64(bitPattern: -1)] {
            let bytes = Varint.encode(value)
            let decoded = try #require(try Varint.decode(bytes + [0x55], rule: .protobuf))
            #expect(decoded.value == value && decoded.length == bytes.count)
        }
        // A padded encoding of 1 (protobuf decoders accept it).
        #expect(try Varint.decode([0x81, 0x80, 0x00], rule: .protobuf)?.value == 1)
        #expect(throws: Varint.DecodingError.overflow) { try Varint.decode([UInt8](repeating: 0xff, count: 9) + [0x02]) }
        // A tenth byte that continues can only be more than bit 63.
        #expect(throws: Varint.DecodingError.overflow) { try Varint.decode([UInt8](repeating: 0x80, count: 10) + [0x00]) }
    }

    @Test func multiformatsRuleIsMinimalAndNineBytes() throws {
        #expect(try Varint.decode(Varint.encode(1 << 62), rule: .multiformats)?.length == 9)
        #expect(throws: Varint.DecodingError.tooLong) { try Varint.decode(Varint.encode(1 << 63), rule: .multiformats) }
        #expect(throws: Varint.DecodingError.notMinimal) { try Varint.decode([0x81, 0x00], rule: .multiformats) }
        #expect(throws: Varint.DecodingError.tooLong) { try Varint.decode([UInt8](repeating: 0x80, count: 9), rule: .multiformats) }
    }

    @Test func incompleteIsNotAnError() throws {
        #expect(try Varint.decode([UInt8]()) == nil)
        #expect(try Varint.decode([0x80, 0x80]) == nil)
        #expect(try Varint.decode([0xff], rule: .multiformats) == nil)
    }
}
