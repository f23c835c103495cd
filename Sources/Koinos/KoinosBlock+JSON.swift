// SPDX-License-Identifier: Apache-2.0
import ChainCrypto
public import JSONRPC

/// Blocks as `block_store` renders them in JSON (koinos.md §6.2), read back into protobuf values.
///
/// Every field of `koinos.protocol.block` is read; `init(json:)` then checks with
/// `verifyEncoding()` that the re-encoded bytes hash to the ids the producer signed, so the
/// protobuf bytes served to Koinos peers are the chain's own, byte for byte.
extension KoinosBlock {
    public init(json: JSONValue) throws(KoinosError) {
        guard case .object = json else { throw .malformedResponse("block is not an object") }
        let h = json["header"]
        header = KoinosBlockHeader(
            previous: try KoinosJSON.decodeID(h?["previous"], "block.header.previous"),
            height: try KoinosJSON.decodeUInt64(h?["height"], "block.header.height"),
            timestampMs: try KoinosJSON.decodeUInt64(h?["timestamp"], "block.header.timestamp"),
            previousStateMerkleRoot: try KoinosJSON.decodeBytes(h?["previous_state_merkle_root"], "block.header.previous_state_merkle_root"),
            transactionMerkleRoot: try KoinosJSON.decodeBytes(h?["transaction_merkle_root"], "block.header.transaction_merkle_root"),
            signer: try KoinosJSON.decodeAddress(h?["signer"], "block.header.signer"),
            approvedProposals: try Self.list(h?["approved_proposals"]) { v throws(KoinosError) in try KoinosJSON.decodeID(v, "block.header.approved_proposals") })
        id = try KoinosJSON.decodeID(json["id"], "block.id")
        transactions = try Self.list(json["transactions"]) { v throws(KoinosError) in try KoinosTransaction(json: v) }
        signature = try KoinosJSON.decodeBytes(json["signature"], "block.signature")
        try verifyEncoding()
    }

    static func list<T>(_ value: JSONValue?, _ element: (JSONValue) throws(KoinosError) -> T) throws(KoinosError) -> [T] {
        guard let value, !value.isNull else { return [] }
        guard let items = value.arrayValue else { throw .malformedResponse("expected a list") }
        return try items.map { v throws(KoinosError) in try element(v) }
    }
}

extension KoinosTransaction {
    /// A transaction as the chain renders it; its id must be the hash of its header.
    public init(json: JSONValue) throws(KoinosError) {
        guard case .object = json else { throw .malformedResponse("transaction is not an object") }
        let h = json["header"]
        let header = KoinosTransactionHeader(
            chainID: try KoinosJSON.decodeBytes(h?["chain_id"], "transaction.header.chain_id"),
            rcLimit: try KoinosJSON.decodeUInt64(h?["rc_limit"], "transaction.header.rc_limit"),
            nonce: try KoinosJSON.decodeBytes(h?["nonce"], "transaction.header.nonce"),
            operationMerkleRoot: try KoinosJSON.decodeBytes(h?["operation_merkle_root"], "transaction.header.operation_merkle_root"),
            payer: try KoinosJSON.decodeAddress(h?["payer"], "transaction.header.payer"),
            payee: try KoinosJSON.decodeAddress(h?["payee"], "transaction.header.payee"))
        let operations = try KoinosBlock.list(json["operations"]) { v throws(KoinosError) in try KoinosOperation(json: v) }
        let signatures = try KoinosBlock.list(json["signatures"]) { v throws(KoinosError) in try KoinosJSON.decodeBytes(v, "transaction.signatures") }
        self.init(header: header, operations: operations, signatures: signatures)
        let claimed = try KoinosJSON.decodeID(json["id"], "transaction.id")
        guard claimed == id else { throw .malformedResponse("transaction \(ChainHex.encode(claimed)): id is not the hash of its header") }
    }
}

extension KoinosOperation {
    /// The oneof object keyed by member name (`{"call_contract": {…}}`).
    public init(json: JSONValue) throws(KoinosError) {
        if let op = json["call_contract"] {
            self = .callContract(CallContract(
                contractID: try KoinosJSON.decodeAddress(op["contract_id"], "call_contract.contract_id"),
                entryPoint: try Self.uint32(op["entry_point"], "call_contract.entry_point"),
                args: try KoinosJSON.decodeBytes(op["args"], "call_contract.args")))
        } else if let op = json["upload_contract"] {
            var upload = UploadContract(
                contractID: try KoinosJSON.decodeAddress(op["contract_id"], "upload_contract.contract_id"),
                bytecode: try KoinosJSON.decodeBytes(op["bytecode"], "upload_contract.bytecode"))
            if let abi = op["abi"], !abi.isNull {
                guard let text = abi.stringValue else { throw .malformedResponse("upload_contract.abi is not a string") }
                upload.abi = text
            }
            upload.authorizesCallContract = KoinosJSON.decodeBool(op["authorizes_call_contract"])
            upload.authorizesTransactionApplication = KoinosJSON.decodeBool(op["authorizes_transaction_application"])
            upload.authorizesUploadContract = KoinosJSON.decodeBool(op["authorizes_upload_contract"])
            self = .uploadContract(upload)
        } else if let op = json["set_system_call"] {
            let target: SetSystemCall.Target
            if let thunk = op["target"]?["thunk_id"] {
                target = .thunkID(try Self.uint32(thunk, "set_system_call.target.thunk_id"))
            } else if let bundle = op["target"]?["system_call_bundle"] {
                target = .bundle(
                    contractID: try KoinosJSON.decodeAddress(bundle["contract_id"], "system_call_bundle.contract_id"),
                    entryPoint: try Self.uint32(bundle["entry_point"], "system_call_bundle.entry_point"))
            } else {
                throw .malformedResponse("set_system_call has no target")
            }
            self = .setSystemCall(SetSystemCall(callID: try Self.uint32(op["call_id"], "set_system_call.call_id"), target: target))
        } else if let op = json["set_system_contract"] {
            self = .setSystemContract(SetSystemContract(
                contractID: try KoinosJSON.decodeAddress(op["contract_id"], "set_system_contract.contract_id"),
                systemContract: KoinosJSON.decodeBool(op["system_contract"])))
        } else {
            throw .malformedResponse("operation of an unknown kind")
        }
    }

    /// A uint32 field (a JSON number; absent is 0).
    private static func uint32(_ value: JSONValue?, _ name: String) throws(KoinosError) -> UInt32 {
        let wide = try KoinosJSON.decodeUInt64(value, name)
        guard let narrow = UInt32(exactly: wide) else { throw .malformedResponse("\(name) is not a uint32") }
        return narrow
    }
}

extension KoinosBlock {
    /// The block as `block_store` renders it (defaults omitted).
    public var json: JSONValue {
        var h: [String: JSONValue] = [:]
        if !header.previous.isEmpty { h["previous"] = KoinosJSON.id(header.previous) }
        if header.height != 0 { h["height"] = KoinosJSON.uint64(header.height) }
        if header.timestampMs != 0 { h["timestamp"] = KoinosJSON.uint64(header.timestampMs) }
        if !header.previousStateMerkleRoot.isEmpty { h["previous_state_merkle_root"] = KoinosJSON.bytes(header.previousStateMerkleRoot) }
        if !header.transactionMerkleRoot.isEmpty { h["transaction_merkle_root"] = KoinosJSON.bytes(header.transactionMerkleRoot) }
        if !header.signer.isEmpty { h["signer"] = KoinosJSON.address(header.signer) }
        if !header.approvedProposals.isEmpty { h["approved_proposals"] = .array(header.approvedProposals.map(KoinosJSON.id)) }
        var o: [String: JSONValue] = ["id": KoinosJSON.id(id), "header": .object(h)]
        if !transactions.isEmpty { o["transactions"] = .array(transactions.map(\.json)) }
        if !signature.isEmpty { o["signature"] = KoinosJSON.bytes(signature) }
        return .object(o)
    }
}
