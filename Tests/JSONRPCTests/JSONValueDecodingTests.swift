// SPDX-License-Identifier: Apache-2.0
import Foundation
import JSONRPC
import Testing

/// `JSONValue` decoding tries each JSON kind in turn (strings first, numbers last): every kind
/// must still land in its own case, whatever the order: a string of digits stays a string, `1`
/// is not `true`, integers stay integers until they leave Int64.
struct JSONValueDecodingTests {
    private func decode(_ text: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    @Test(arguments: [
        ("null", JSONValue.null), ("true", .bool(true)), ("false", .bool(false)),
        ("0", .int(0)), ("1", .int(1)), ("-9223372036854775808", .int(.min)), ("9223372036854775807", .int(.max)),
        ("9223372036854775808", .double(9_223_372_036_854_775_808)), ("1.5", .double(1.5)), ("-2.5e3", .int(-2_500)), ("2.5e-1", .double(0.25)),
        ("\"1\"", .string("1")), ("\"true\"", .string("true")), ("\"null\"", .string("null")), ("\"\"", .string("")),
        ("[]", .array([])), ("{}", .object([:])), ("[1,\"1\",true,null,1.5]", .array([.int(1), .string("1"), .bool(true), .null, .double(1.5)])),
    ])
    func eachKindLandsInItsCase(text: String, expected: JSONValue) throws {
        #expect(try decode(text) == expected)
        #expect(try decode("[\(text)]") == .array([expected]))
        #expect(try decode("{\"k\":\(text)}") == .object(["k": expected]))
    }

    @Test func aLogShapedAnswerDecodesAndRoundTrips() throws {
        let text = #"[{"address":"0xab","topics":["0x01","0x02"],"data":"0x","blockNumber":"0x10","logIndex":"0x0","removed":false,"extra":{"n":7,"list":[[],{}]}}]"#
        let value = try decode(text)
        let log = try #require(value.arrayValue?.first)
        #expect(log["topics"] == .array([.string("0x01"), .string("0x02")]))
        #expect(log["removed"] == .bool(false))
        #expect(log["extra"]?["n"] == .int(7))
        #expect(log["extra"]?["list"] == .array([.array([]), .object([:])]))
        #expect(try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value)) == value)
    }

    @Test(arguments: ["", "[", "{\"a\":}", "tru", "\"unterminated", "{1:2}"])
    func malformedJSONIsAnErrorNotACrash(text: String) {
        #expect(throws: (any Error).self) { try decode(text) }
    }
}
