// SPDX-License-Identifier: Apache-2.0
import Ethereum
import JSONRPC
import Testing

@Suite struct QuantityAndTypesTests {
    @Test func quantitiesRoundTripAndRejectMalformedText() {
        for v: UInt64 in [0, 1, 15, 16, 255, 1 << 32, .max] {
            #expect(Quantity.decode(Quantity.encode(v)) == v)
        }
        #expect(Quantity.encode(0) == "0x0")
        #expect(Quantity.decode("0x00ff") == 255)
        for bad in ["", "0x", "ff", "0xg1", "0x1ffffffffffffffff", "-0x1", "0X10", "0x 1"] {
            #expect(Quantity.decode(bad) == nil, "\(bad) must be refused")
        }
    }

    static let goodLog: JSONValue = .object([
        "address": .string("0x" + String(repeating: "ab", count: 20)),
        "topics": .array([.string("0x" + String(repeating: "01", count: 32))]),
        "data": .string("0x1234"),
        "blockNumber": .string("0x10"), "blockHash": .string("0x" + String(repeating: "02", count: 32)),
        "transactionHash": .string("0x" + String(repeating: "03", count: 32)),
        "transactionIndex": .string("0x0"), "logIndex": .string("0x5"), "removed": .bool(false),
    ])

    static func mutated(_ key: String, _ value: JSONValue?) -> JSONValue {
        guard case .object(var o) = goodLog else { return goodLog }
        o[key] = value
        return .object(o)
    }

    @Test func logDecodesStrictlyAndReportsTheBadField() throws {
        let log = try EthereumLog(json: Self.goodLog)
        #expect(log.blockNumber == 16 && log.logIndex == 5 && log.data == [0x12, 0x34] && log.address.count == 20)
        #expect(throws: EthereumDecodingError.missingField("blockHash")) { try EthereumLog(json: Self.mutated("blockHash", nil)) }
        #expect(throws: EthereumDecodingError.self) { try EthereumLog(json: Self.mutated("address", .string("0x12"))) }
        #expect(throws: EthereumDecodingError.self) { try EthereumLog(json: Self.mutated("logIndex", .int(5))) }
        #expect(throws: EthereumDecodingError.self) { try EthereumLog(json: Self.mutated("data", .string("0x123"))) }
        #expect(throws: EthereumDecodingError.self) { try EthereumLog(json: Self.mutated("topics", .string("x"))) }
        #expect(throws: EthereumDecodingError.self) { try EthereumLog(json: Self.mutated("removed", .string("no"))) }
        #expect(throws: EthereumDecodingError.self) { try EthereumLog(json: .array([])) }
    }

    @Test func receiptAndHeaderDecode() throws {
        let receipt = try EthereumReceipt(json: .object([
            "transactionHash": .string("0x" + String(repeating: "03", count: 32)),
            "blockHash": .string("0x" + String(repeating: "02", count: 32)),
            "blockNumber": .string("0x10"), "status": .string("0x1"), "logs": .array([Self.goodLog]),
        ]))
        #expect(receipt.succeeded && receipt.blockNumber == 16 && receipt.logs.count == 1)
        let header = try EthereumBlockHeader(json: .object([
            "number": .string("0x2a"), "hash": .string("0x" + String(repeating: "04", count: 32)),
            "parentHash": .string("0x" + String(repeating: "05", count: 32)), "timestamp": .string("0x6553f100"),
        ]))
        #expect(header.number == 42 && header.timestamp == 0x6553f100)
        #expect(throws: EthereumDecodingError.self) { try EthereumBlockHeader(json: .object(["number": .string("0x1")])) }
    }

    @Test func logFilterJSONHasAddressAndTopicAlternatives() {
        let f = LogFilter(fromBlock: 1, toBlock: 255, addresses: [[UInt8](repeating: 0xaa, count: 20)], topic0: [[UInt8](repeating: 1, count: 32)])
        #expect(f.json["fromBlock"] == .string("0x1"))
        #expect(f.json["toBlock"] == .string("0xff"))
        #expect(f.json["address"] == .string("0x" + String(repeating: "aa", count: 20)))
        #expect(f.json["topics"]?.arrayValue?.first?.arrayValue?.count == 1)
    }

    @Test func wordsPrintExactDecimalAndKnowWhenTheyFit64Bits() {
        #expect(ABIWord(12345).description == "12345")
        #expect(ABIWord(.max).uint64 == .max)
        let big = ABIWord(bytes: [1] + [UInt8](repeating: 0, count: 31))!
        #expect(big.uint64 == nil)
        #expect(big.description == "452312848583266388373324160190187140051835877600158453279131187530910662656")
    }
}
