// SPDX-License-Identifier: Apache-2.0
import ChainCrypto
import JSONRPC
import Koinos
import Testing

/// JSON decoding of node answers and the mapping of JSON-RPC errors to typed Koinos errors.
struct KoinosJSONAndErrorTests {
    @Test func chainErrorDataStringBecomesATypedFailure() {
        let object = JSONRPCErrorObject(
            code: -32603, message: "invalid transaction nonce - account: 1abc",
            data: .string(#"{"code":-201,"logs":["a","b"]}"#))
        guard case .chain(let failure) = KoinosError(object) else {
            Issue.record("not a chain failure")
            return
        }
        #expect(failure.code == -201)
        #expect(failure.kind == .invalidNonce)
        #expect(failure.logs == ["a", "b"])
        #expect(failure.message.hasPrefix("invalid transaction nonce"))
    }

    @Test func reversionsAndMissingDataAreClassified() {
        let reverted = KoinosError(JSONRPCErrorObject(code: -32603, message: "transfer already completed", data: .string(#"{"code":1}"#)))
        #expect(reverted == .chain(KoinosChainFailure(code: 1, message: "transfer already completed")))
        if case .chain(let f) = reverted { #expect(f.kind == .reverted) }
        let rc = KoinosError(JSONRPCErrorObject(code: -32603, message: "insufficient rc", data: .object(["code": .int(104)])))
        if case .chain(let f) = rc { #expect(f.kind == .insufficientRC) } else { Issue.record("object data not accepted") }
        #expect(KoinosError(JSONRPCErrorObject(code: -32603, message: "timeout", data: .string("not json"))) == .rpc(code: -32603, message: "timeout"))
        #expect(KoinosError(JSONRPCErrorObject(code: -32601, message: "Unable to translate request")) == .rpc(code: -32601, message: "Unable to translate request"))
        #expect(KoinosError(.transport(.connectionFailed("refused"))) == .unreachable("connection failed: refused"))
    }

    @Test func headInfoAndReceiptDecodeStringIntegers() throws {
        let head = try KoinosHeadInfo(json: .object([
            "head_topology": .object(["id": .string("0x1220" + String(repeating: "ab", count: 32)), "height": .string("123")]),
            "last_irreversible_block": .string("118"), "head_block_time": .string("1700000000000"),
        ]))
        #expect(head.height == 123 && head.lastIrreversibleBlock == 118 && head.headBlockTimeMs == 1_700_000_000_000)
        #expect(head.headID.count == 34 && head.previous.isEmpty)
        let receipt = try KoinosTransactionReceipt(json: .object([
            "id": .string("0x1220" + String(repeating: "01", count: 32)), "rc_used": .string("42"),
            "events": .array([.object(["name": .string("bridge.transfer_completed_event"), "sequence": .int(2), "data": .string("CgA=")])]),
        ]))
        #expect(receipt.rcUsed == 42 && !receipt.reverted && receipt.events.first?.sequence == 2)
        #expect(receipt.events.first?.data == [0x0a, 0x00])
    }

    @Test func malformedAnswersAreErrorsNotCrashes() throws {
        #expect(throws: KoinosError.self) { try KoinosHeadInfo(json: .object(["last_irreversible_block": .string("-1")])) }
        #expect(throws: KoinosError.self) { try KoinosHeadInfo(json: .object(["head_topology": .object(["id": .string("1220")])])) }
        #expect(throws: KoinosError.self) { try KoinosTransactionReceipt(json: .object(["events": .array([.object(["data": .string("%%")])])])) }
        #expect(throws: KoinosProtoError.self) { try KoinosProtoReader.fields([0x0a, 0x05, 0x01]) }
        #expect(throws: KoinosProtoError.self) { try KoinosProtoReader.fields([0x0b]) }
        #expect(throws: KoinosProtoError.self) { try KoinosProtoReader.fields([0x08] + [UInt8](repeating: 0xff, count: 11)) }
        // A tenth byte carrying bits above bit 63 was silently truncated before.
        #expect(throws: KoinosProtoError.varintTooLong) { try KoinosProtoReader.fields([0x08] + [UInt8](repeating: 0xff, count: 9) + [0x7f]) }
        #expect(try KoinosProtoReader.fields([0x08] + [UInt8](repeating: 0xff, count: 9) + [0x01]).varint(1) == UInt64.max)
    }

    @Test func bridgeArgumentsRoundTripInBothLayouts() throws {
        let args = KoinosBridgeContract.CompleteTransferArguments(
            transactionID: [UInt8](repeating: 7, count: 32), token: [UInt8](repeating: 1, count: 25), relayer: [UInt8](repeating: 2, count: 25),
            recipient: [UInt8](repeating: 3, count: 25), value: 1000, payment: 10, metadata: "m",
            signatures: [[UInt8](repeating: 9, count: 65), [UInt8](repeating: 8, count: 65)], expiration: 55)
        let v1 = args.encoded(.v1)
        // v1 has no field 5: value is field 4 (0x20), signatures field 6 (0x32), expiration field 7 (0x38).
        #expect(v1.contains(0x20) && !v1.contains(0x2a) && v1.last == 55)
        var expectedV1 = args
        expectedV1.relayer = []
        expectedV1.payment = 0
        expectedV1.metadata = ""
        #expect(try KoinosBridgeContract.CompleteTransferArguments.decode(v1, version: .v1) == expectedV1)
        #expect(try KoinosBridgeContract.CompleteTransferArguments.decode(args.encoded(.v2), version: .v2) == args)
        let meta = KoinosBridgeContract.Metadata(initialized: true, nonce: 3, chainID: 7, validatorCount: 4)
        #expect(try KoinosBridgeContract.Metadata.decode(meta.encoded(.v2), version: .v2) == meta)
        #expect(meta.encoded(.v1) == [0x08, 0x01, 0x10, 0x03, 0x18, 0x04])
        #expect(KoinosBridgeContract.listArguments(start: [], limit: -1) == [0x10] + [UInt8](repeating: 0xff, count: 9) + [0x01])
    }

    @Test func entryPointsAreSha256Prefixes() {
        #expect(KoinosEntryPoint.id(of: "complete_transfer") == KoinosEntryPoint.completeTransfer)
        #expect(KoinosEntryPoint.id(of: "get_transfer_status") == KoinosEntryPoint.getTransferStatus)
        #expect(KoinosEntryPoint.id(of: "get_validators") == KoinosEntryPoint.getValidators)
        #expect(KoinosEntryPoint.id(of: "get_metadata") == KoinosEntryPoint.getMetadata)
        #expect(KoinosEntryPoint.id(of: "transfer") == KoinosEntryPoint.tokenTransfer)
        #expect(KoinosEntryPoint.id(of: "balance_of") == KoinosEntryPoint.tokenBalanceOf)
    }
}
