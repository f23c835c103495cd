// SPDX-License-Identifier: Apache-2.0
import ChainCrypto
public import JSONRPC

/// The Koinos JSON encodings (koinos.md §6.2): bytes as base64url **with** padding, addresses and
/// contract ids as base58, transaction and block ids as `0x` hex, 64-bit integers as strings,
/// 32-bit integers as numbers, default values omitted.
public enum KoinosJSON {
    public static func bytes(_ b: [UInt8]) -> JSONValue { .string(Base64URL.encode(b)) }
    public static func address(_ b: [UInt8]) -> JSONValue { .string(Base58.encode(b)) }
    public static func id(_ b: [UInt8]) -> JSONValue { .string(ChainHex.encode(b)) }
    public static func uint64(_ v: UInt64) -> JSONValue { .string(String(v)) }

    /// Decodes a base64url (padded or not) field; absent is empty, anything else malformed.
    public static func decodeBytes(_ v: JSONValue?, _ name: String) throws(KoinosError) -> [UInt8] {
        guard let v, !v.isNull else { return [] }
        guard let s = v.stringValue, let b = Base64URL.decode(s) else { throw .malformedResponse("\(name) is not base64url") }
        return b
    }

    /// Decodes a `0x` hex id field; absent is empty.
    public static func decodeID(_ v: JSONValue?, _ name: String) throws(KoinosError) -> [UInt8] {
        guard let v, !v.isNull else { return [] }
        guard let s = v.stringValue, s.hasPrefix("0x"), let b = ChainHex.decode(s) else { throw .malformedResponse("\(name) is not 0x hex") }
        return b
    }

    /// Decodes a base58 address field; absent is empty.
    public static func decodeAddress(_ v: JSONValue?, _ name: String) throws(KoinosError) -> [UInt8] {
        guard let v, !v.isNull else { return [] }
        guard let s = v.stringValue, let b = Base58.decode(s) else { throw .malformedResponse("\(name) is not base58") }
        return b
    }

    /// Decodes a 64-bit integer sent as a decimal string (or, leniently, a JSON number); absent is 0.
    public static func decodeUInt64(_ v: JSONValue?, _ name: String) throws(KoinosError) -> UInt64 {
        switch v {
        case nil, .null?: return 0
        case .string(let s)?:
            guard let n = UInt64(s) else { throw .malformedResponse("\(name) is not a decimal uint64") }
            return n
        case .int(let i)?:
            guard i >= 0 else { throw .malformedResponse("\(name) is negative") }
            return UInt64(i)
        default: throw .malformedResponse("\(name) is not an integer")
        }
    }

    /// Decodes a bool; absent is false.
    public static func decodeBool(_ v: JSONValue?) -> Bool {
        if case .bool(let b)? = v { return b }
        return false
    }
}

extension KoinosOperation {
    /// The JSON object of the oneof, keyed by member name.
    public var json: JSONValue {
        switch self {
        case .callContract(let op):
            var o: [String: JSONValue] = ["contract_id": KoinosJSON.address(op.contractID)]
            if op.entryPoint != 0 { o["entry_point"] = .int(Int64(op.entryPoint)) }
            if !op.args.isEmpty { o["args"] = KoinosJSON.bytes(op.args) }
            return .object(["call_contract": .object(o)])
        case .uploadContract(let op):
            var o: [String: JSONValue] = ["contract_id": KoinosJSON.address(op.contractID)]
            if !op.bytecode.isEmpty { o["bytecode"] = KoinosJSON.bytes(op.bytecode) }
            if !op.abi.isEmpty { o["abi"] = .string(op.abi) }
            if op.authorizesCallContract { o["authorizes_call_contract"] = .bool(true) }
            if op.authorizesTransactionApplication { o["authorizes_transaction_application"] = .bool(true) }
            if op.authorizesUploadContract { o["authorizes_upload_contract"] = .bool(true) }
            return .object(["upload_contract": .object(o)])
        case .setSystemCall(let op):
            let target: JSONValue
            switch op.target {
            case .thunkID(let id): target = .object(["thunk_id": .int(Int64(id))])
            case .bundle(let contractID, let entryPoint):
                var b: [String: JSONValue] = ["contract_id": KoinosJSON.address(contractID)]
                if entryPoint != 0 { b["entry_point"] = .int(Int64(entryPoint)) }
                target = .object(["system_call_bundle": .object(b)])
            }
            var o: [String: JSONValue] = ["target": target]
            if op.callID != 0 { o["call_id"] = .int(Int64(op.callID)) }
            return .object(["set_system_call": .object(o)])
        case .setSystemContract(let op):
            var o: [String: JSONValue] = ["contract_id": KoinosJSON.address(op.contractID)]
            if op.systemContract { o["system_contract"] = .bool(true) }
            return .object(["set_system_contract": .object(o)])
        }
    }
}

extension KoinosTransactionHeader {
    public var json: JSONValue {
        var o: [String: JSONValue] = [:]
        if !chainID.isEmpty { o["chain_id"] = KoinosJSON.bytes(chainID) }
        if rcLimit != 0 { o["rc_limit"] = KoinosJSON.uint64(rcLimit) }
        if !nonce.isEmpty { o["nonce"] = KoinosJSON.bytes(nonce) }
        if !operationMerkleRoot.isEmpty { o["operation_merkle_root"] = KoinosJSON.bytes(operationMerkleRoot) }
        if !payer.isEmpty { o["payer"] = KoinosJSON.address(payer) }
        if !payee.isEmpty { o["payee"] = KoinosJSON.address(payee) }
        return .object(o)
    }
}

extension KoinosTransaction {
    /// The transaction as `chain.submit_transaction` takes it.
    public var json: JSONValue {
        var o: [String: JSONValue] = ["id": KoinosJSON.id(id), "header": header.json]
        if !operations.isEmpty { o["operations"] = .array(operations.map(\.json)) }
        if !signatures.isEmpty { o["signatures"] = .array(signatures.map(KoinosJSON.bytes)) }
        return .object(o)
    }
}
