// SPDX-License-Identifier: Apache-2.0
import Foundation
import JSONRPC
import Testing

/// `JSONParser` against `JSONDecoder` (what the client used before): the same documents give the
/// same `JSONValue`, the same malformed ones are refused; hostile input is an error, never a crash.
struct JSONParserTests {
    static let documents: [String] = [
        "null", "true", "false", "0", "-0", "1", "-1", "42", "9223372036854775807", "-9223372036854775808",
        "9223372036854775808", "-9223372036854775809", "123456789012345678901234567890", "0.5", "-2.5e3", "1E+2", "1e-2", "1.0", "-0.0", "0.0", "2.5e-1", "1e19",
        "\"\"", "\"0x1f\"", #""a\"b\\c\/d\b\f\n\r\t""#, #""\u00e9\u4e2d\ud83d\ude00""#, "\"é中😀\"",
        "[]", "{}", " [ 1 , 2 ] ", "[[[[]]]]", #"{"a":{"b":[1,{"c":null}]}}"#,
        #"{"jsonrpc":"2.0","id":7,"result":[{"address":"0xab","topics":["0x01"],"removed":false,"logIndex":"0x0"}]}"#,
        // refused by both
        "", " ", "[", "]", "{", "{\"a\" 1}", "{1:2}", "[1 2]", "tru", "nul", "01", "-", "1.", ".5", "1e", "+1",
        "\"abc", #""\x""#, #""\u12""#, #""\u12G4""#, "\"a\u{01}b\"", "[1]x", "{} {}", "'a'", "NaN", "Infinity",
    ]

    @Test(arguments: documents)
    func agreesWithJSONDecoder(document: String) {
        let bytes = Array(document.utf8)
        let expected = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes))
        let parsed = try? JSONParser.parse(bytes)
        #expect(parsed == expected, "\(document)")
    }

    @Test func refusesWhatJSONForbids() {
        for bytes: [UInt8] in [[0x22, 0xFF, 0x22], [0x22, 0xC3, 0x22], Array(#""\ud800""#.utf8), Array(#""\udc00x""#.utf8),
                               Array(#""\ud800\u0041""#.utf8), Array("1e400".utf8), Array("[1e400]".utf8),
                               Array("[1,]".utf8), Array("{\"a\":1,}".utf8)] {  // trailing commas: JSONDecoder lets them through
            #expect(throws: JSONParseError.self) { try JSONParser.parse(bytes) }
        }
    }

    @Test func deepNestingIsAnErrorNotACrash() throws {
        let deep = Array(repeating: UInt8(ascii: "["), count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deep + Array(repeating: UInt8(ascii: "]"), count: 100_000)) }
        let allowed = JSONParser.maxDepth
        let ok = String(repeating: "[", count: allowed) + String(repeating: "]", count: allowed)
        #expect(try JSONParser.parse(Array(ok.utf8)) != .null)
        let over = "{\"a\":" + ok + "}"
        #expect(throws: JSONParseError.self) { try JSONParser.parse(Array(over.utf8)) }
    }

    @Test func responsesReadAsTheDecodableOnes() throws {
        let cases = [
            #"{"jsonrpc":"2.0","id":1,"result":null}"#, #"{"id":null,"result":"0x1"}"#,
            #"{"id":2,"error":{"code":-32000,"message":"header not found","data":{"x":1}}}"#,
            #"{"id":3,"error":{"code":3,"message":"execution reverted","data":null},"result":null}"#,
            #"{"id":4,"error":null,"result":[]}"#,
        ]
        for text in cases {
            let old = try JSONDecoder().decode(JSONRPCResponse.self, from: Data(text.utf8))
            let new = try JSONRPCResponse(JSONParser.parse(Array(text.utf8)))
            #expect(new.id == old.id && new.result == old.result && new.error == old.error, "\(text)")
        }
        for text in [#"{"id":1}"#, #"{"id":1,"error":{"code":"x","message":"m"}}"#, #"{"id":1,"error":5}"#, "[]", "1"] {
            #expect(throws: JSONParseError.self) { try JSONRPCResponse(JSONParser.parse(Array(text.utf8))) }
            #expect(throws: (any Error).self) { try JSONDecoder().decode(JSONRPCResponse.self, from: Data(text.utf8)) }
        }
    }
}
