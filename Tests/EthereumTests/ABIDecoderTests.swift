// SPDX-License-Identifier: Apache-2.0
import Ethereum
import Testing
import Primitives

@Suite struct ABIDecoderTests {
    static let v2Types: [ABIType] = ["address", "address", "uint256", "uint256", "string", "string", "string", "uint256", "uint32"].map { ABIType($0)! }

    static func sampleV2() -> [UInt8] {
        ABITestEncoder.encode([
            .address([UInt8](repeating: 0x11, count: 20)), .address([UInt8](repeating: 0x22, count: 20)), .uint(100_000_000), .uint(1_000),
            .string("1Relayer"), .string("1NyaTjhcDQEZMGWSSmhEXZoP3G9NSQ7SZN"), .string(String(repeating: "m", count: 70)),
            .uint(1_700_000_000_000), .uint(2),
        ])
    }

    @Test func bridgeEventTopicsMatchTheSpec() {
        let v1 = ABIEvent(name: "TokensLockedEvent", parameters: ["address", "address", "uint256", "string", "uint256"].map { .init("", ABIType($0)!) })
        #expect(HexData.encode(v1.topic0) == "0x943004f24b74daf8f1b3184c2703c86aa64f95fc624bab58e578754f7bf8ab6b")
        let v2 = ABIEvent(name: "TokensLockedEvent", parameters: Self.v2Types.map { .init("", $0) })
        #expect(HexData.encode(v2.topic0) == "0x1581ca8f4b4c1e564c6fba30d5d197d6d21974b35147c5e3c896b94b3c9bd126")
        #expect(v2.signature == "TokensLockedEvent(address,address,uint256,uint256,string,string,string,uint256,uint32)")
    }

    @Test func decodesStaticAndDynamicValues() throws {
        let values = try ABIDecoder.decode(Self.v2Types, from: Self.sampleV2())
        #expect(values[0] == .address([UInt8](repeating: 0x11, count: 20)))
        #expect(values[2] == .uint(ABIWord(100_000_000)))
        #expect(values[5] == .string("1NyaTjhcDQEZMGWSSmhEXZoP3G9NSQ7SZN"))
        #expect(values[6] == .string(String(repeating: "m", count: 70)))
        #expect(values[8] == .uint(ABIWord(2)))
        let arrays = ABITestEncoder.encode([.uint(32), .uint(2), .uint(7), .uint(9)])
        #expect(try ABIDecoder.decode([.array(.uint(256))], from: arrays) == [.array([.uint(ABIWord(7)), .uint(ABIWord(9))])])
    }

    @Test func hostileEncodingsThrowTypedErrors() {
        var data = Self.sampleV2()
        data[4 * 32 + 31] = 0xff  // relayer offset far past the end
        #expect(throws: EthereumDecodingError.self) { try ABIDecoder.decode(Self.v2Types, from: data) }
        data = Self.sampleV2()
        data[4 * 32] = 0x80  // offset ≈ 2^255
        #expect(throws: EthereumDecodingError.self) { try ABIDecoder.decode(Self.v2Types, from: data) }
        data = Self.sampleV2()
        data[0] = 1  // dirty address padding
        #expect(throws: EthereumDecodingError.self) { try ABIDecoder.decode(Self.v2Types, from: data) }
        data = Self.sampleV2()
        data[8 * 32 + 27] = 1  // uint32 out of range
        #expect(throws: EthereumDecodingError.self) { try ABIDecoder.decode(Self.v2Types, from: data) }
        #expect(throws: EthereumDecodingError.self) { try ABIDecoder.decode(Self.v2Types, from: Array(Self.sampleV2().prefix(100))) }
        #expect(throws: EthereumDecodingError.self) { try ABIDecoder.decode([.bool], from: ABIWord(2).bytes) }
        let badUTF8 = ABITestEncoder.encode([.uint(32), .uint(2)]) + [0xff, 0xfe] + [UInt8](repeating: 0, count: 30)
        #expect(throws: EthereumDecodingError.self) { try ABIDecoder.decode([.string], from: badUTF8) }
        let hugeArray = ABITestEncoder.encode([.uint(32), .uint(UInt64(UInt32.max))])
        #expect(throws: EthereumDecodingError.self) { try ABIDecoder.decode([.array(.string)], from: hugeArray) }
    }

    /// 20,000 seeded mutations of a valid event: every one decodes or throws a typed error, none traps.
    /// (100,000 were ≈ 2 CPU-s of a debug build on the cooperative pool, which the socket tests share:
    /// two threads on 2 cores.) Yields every 256 inputs.
    @Test func twentyThousandMutatedEventsNeverCrash() async {
        var rng = SplitMix64(seed: 0x5eed_e7e4)
        let base = Self.sampleV2()
        var decoded = 0
        var refused = 0
        for iteration in 0..<20_000 {
            if iteration % 256 == 0 { await Task.yield() }
            var data = base
            switch rng.next() % 5 {
            case 0: data = Array(data.prefix(Int(rng.next() % UInt64(data.count + 1))))
            case 1: for _ in 0..<(1 + rng.next() % 4) { data[Int(rng.next() % UInt64(data.count))] = UInt8(truncatingIfNeeded: rng.next()) }
            case 2:
                let word = Int(rng.next() % UInt64(data.count / 32)) * 32
                for i in 0..<32 { data[word + i] = rng.next() % 2 == 0 ? 0xff : UInt8(truncatingIfNeeded: rng.next()) }
            case 3: data += (0..<(rng.next() % 64)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            default: data = (0..<(rng.next() % 600)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            }
            do {
                _ = try ABIDecoder.decode(Self.v2Types, from: data)
                decoded += 1
            } catch is EthereumDecodingError {
                refused += 1
            } catch {
                Issue.record("unexpected error type \(error)")
            }
        }
        #expect(decoded + refused == 20_000)
        #expect(decoded > 0 && refused > 0)
    }
}

