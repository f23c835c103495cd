// SPDX-License-Identifier: Apache-2.0
import ChainCrypto
import Ethereum
import JSONRPC
import Testing

/// The ABI encoder against the Solidity ABI specification's worked example and eth_abi's output
/// for the bridge's `bytes[]`/`string` arguments; and the classification of node refusals.
@Suite struct ABIEncoderTests {
    @Test func theSpecificationExampleEncodesByteForByte() {
        let f = ABIFunction(name: "f", parameters: [.uint(256), .array(.uint(32)), .fixedBytes(10), .bytes])
        #expect(f.selector == [0x8b, 0xe6, 0x52, 0x46])
        let data = ABIEncoder.call(f, [
            .uint(ABIWord(0x123)), .array([.uint(ABIWord(0x456)), .uint(ABIWord(0x789))]), .fixedBytes(Array("1234567890".utf8)),
            .bytes(Array("Hello, world!".utf8)),
        ])
        let expected = "8be65246"
            + "0000000000000000000000000000000000000000000000000000000000000123"
            + "0000000000000000000000000000000000000000000000000000000000000080"
            + "3132333435363738393000000000000000000000000000000000000000000000"
            + "00000000000000000000000000000000000000000000000000000000000000e0"
            + "0000000000000000000000000000000000000000000000000000000000000002"
            + "0000000000000000000000000000000000000000000000000000000000000456"
            + "0000000000000000000000000000000000000000000000000000000000000789"
            + "000000000000000000000000000000000000000000000000000000000000000d"
            + "48656c6c6f2c20776f726c642100000000000000000000000000000000000000"
        #expect(ChainHex.encode(data, prefix: false) == expected)
    }

    @Test func anArrayOfSignaturesAndAStringMatchEthAbi() throws {
        let values: [ABIValue] = [.array([.bytes([UInt8](repeating: 1, count: 65)), .bytes([UInt8](repeating: 2, count: 65))]), .string("hi")]
        let encoded = ABIEncoder.encode(values)
        // eth_abi.encode(['bytes[]','string'], [[b'\x01'*65, b'\x02'*65], 'hi'])
        let expected = "0000000000000000000000000000000000000000000000000000000000000040"
            + "00000000000000000000000000000000000000000000000000000000000001a0"
            + "0000000000000000000000000000000000000000000000000000000000000002"
            + "0000000000000000000000000000000000000000000000000000000000000040"
            + "00000000000000000000000000000000000000000000000000000000000000c0"
            + "0000000000000000000000000000000000000000000000000000000000000041"
            + String(repeating: "01", count: 65) + String(repeating: "00", count: 31)
            + "0000000000000000000000000000000000000000000000000000000000000041"
            + String(repeating: "02", count: 65) + String(repeating: "00", count: 31)
            + "0000000000000000000000000000000000000000000000000000000000000002"
            + "6869000000000000000000000000000000000000000000000000000000000000"
        #expect(ChainHex.encode(encoded, prefix: false) == expected)
        #expect(try ABIDecoder.decode([.array(.bytes), .string], from: encoded) == values)
    }

    @Test func nodeRefusalsAreClassified() {
        #expect(EthereumSendError(JSONRPCErrorObject(code: 3, message: "execution reverted: invalid signatures")) == .reverted(reason: "invalid signatures"))
        let data = "0x08c379a0" + ChainHex.encode(ABIEncoder.encode([.string("quorum not met")]), prefix: false)
        #expect(EthereumSendError(JSONRPCErrorObject(code: -32000, message: "execution reverted", data: .string(data))) == .reverted(reason: "quorum not met"))
        #expect(EthereumSendError(JSONRPCErrorObject(code: -32000, message: "nonce too low")) == .nonceConflict(message: "nonce too low"))
        #expect(EthereumSendError(JSONRPCErrorObject(code: -32000, message: "replacement transaction underpriced")) == .underpriced(message: "replacement transaction underpriced"))
        #expect(EthereumSendError(JSONRPCErrorObject(code: -32000, message: "already known")) == .alreadyKnown)
        #expect(EthereumSendError(JSONRPCErrorObject(code: -32000, message: "insufficient funds for gas * price + value")) == .insufficientFunds(message: "insufficient funds for gas * price + value"))
        #expect(EthereumSendError(JSONRPCErrorObject(code: -32601, message: "method not found")) == .other(code: -32601, message: "method not found"))
    }
}
