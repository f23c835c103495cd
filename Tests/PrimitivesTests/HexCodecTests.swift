// SPDX-License-Identifier: Apache-2.0
import Primitives
import Testing

@Suite struct HexCodecTests {
    @Test func encodesLowercaseWithOrWithoutPrefix() {
        #expect(HexCodec.encode([0x00, 0x0f, 0xab, 0xff]) == "0x000fabff")
        #expect(HexCodec.encode([0x00, 0x0f, 0xab, 0xff], prefix: false) == "000fabff")
        #expect(HexCodec.encode([UInt8]()) == "0x")
    }

    @Test func decodesEitherCaseWithAnOptionalPrefix() {
        #expect(HexCodec.decode("0x000FabFF") == [0x00, 0x0f, 0xab, 0xff])
        #expect(HexCodec.decode("0X0a") == [0x0a])
        #expect(HexCodec.decode("0a") == [0x0a])
        #expect(HexCodec.decode("") == [])
        #expect(HexCodec.decode("0x") == [])
        #expect(HexCodec.decode("0a0b", count: 2) == [0x0a, 0x0b])
        #expect(HexCodec.decode("0a0b", count: 3) == nil)
    }

    /// The CLI's own codec parsed byte pairs with `UInt8(_:radix:)`, which takes a sign: "+f" was 0x0f.
    @Test func refusesWhatIsNotHex() {
        for bad in ["+f", "-1", "0x0", "abc", "0xzz", "0x 1", "g0", "0x0x00"] {
            #expect(HexCodec.decode(bad) == nil, "\(bad)")
        }
    }

    @Test func requiredPrefixSaysWhyItRefuses() throws {
        #expect(throws: HexCodec.DecodingError.missingPrefix) { try HexCodec.decode("00", prefix: .required) }
        #expect(throws: HexCodec.DecodingError.missingPrefix) { try HexCodec.decode("0X00", prefix: .required) }
        #expect(throws: HexCodec.DecodingError.oddLength) { try HexCodec.decode("0x0", prefix: .required) }
        #expect(throws: HexCodec.DecodingError.wrongLength(expected: 2, actual: 1)) {
            try HexCodec.decode("0x00", prefix: .required, count: 2)
        }
        #expect(throws: HexCodec.DecodingError.notHex) { try HexCodec.decode("0xg0", prefix: .required) }
        #expect(try HexCodec.decode("0xdead", prefix: .required, count: 2) == [0xde, 0xad])
    }

    @Test func roundTripsEveryByte() {
        let all = (0...255).map { UInt8($0) }
        #expect(HexCodec.decode(HexCodec.encode(all)) == all)
        #expect(HexCodec.decode(HexCodec.encode(all).uppercased()) == all)
    }
}
