// SPDX-License-Identifier: Apache-2.0
public import JSONRPC

/// `chain.get_head_info`: head topology, last irreversible block and head block time (ms).
public struct KoinosHeadInfo: Sendable, Hashable {
    public var headID: [UInt8]
    public var height: UInt64
    public var previous: [UInt8]
    public var lastIrreversibleBlock: UInt64
    public var headBlockTimeMs: UInt64

    public init(json: JSONValue) throws(KoinosError) {
        let topology = json["head_topology"]
        headID = try KoinosJSON.decodeID(topology?["id"], "head_topology.id")
        height = try KoinosJSON.decodeUInt64(topology?["height"], "head_topology.height")
        previous = try KoinosJSON.decodeID(topology?["previous"], "head_topology.previous")
        lastIrreversibleBlock = try KoinosJSON.decodeUInt64(json["last_irreversible_block"], "last_irreversible_block")
        headBlockTimeMs = try KoinosJSON.decodeUInt64(json["head_block_time"], "head_block_time")
    }
}

/// One `event_data` of a receipt.
public struct KoinosEvent: Sendable, Hashable {
    public var sequence: UInt32
    public var source: [UInt8]
    public var name: String
    public var data: [UInt8]
    public var impacted: [[UInt8]]

    public init(json: JSONValue) throws(KoinosError) {
        let seq = try KoinosJSON.decodeUInt64(json["sequence"], "event.sequence")
        guard seq <= UInt64(UInt32.max) else { throw .malformedResponse("event.sequence out of range") }
        sequence = UInt32(seq)
        source = try KoinosJSON.decodeAddress(json["source"], "event.source")
        name = json["name"]?.stringValue ?? ""
        data = try KoinosJSON.decodeBytes(json["data"], "event.data")
        impacted = try (json["impacted"]?.arrayValue ?? []).map { v throws(KoinosError) in try KoinosJSON.decodeAddress(v, "event.impacted") }
    }
}

/// A `transaction_receipt` (the fields the relay reads).
public struct KoinosTransactionReceipt: Sendable, Hashable {
    public var id: [UInt8]
    public var payer: [UInt8]
    public var rcLimit: UInt64
    public var rcUsed: UInt64
    public var reverted: Bool
    public var events: [KoinosEvent]
    public var logs: [String]

    public init(json: JSONValue) throws(KoinosError) {
        id = try KoinosJSON.decodeID(json["id"], "receipt.id")
        payer = try KoinosJSON.decodeAddress(json["payer"], "receipt.payer")
        rcLimit = try KoinosJSON.decodeUInt64(json["rc_limit"], "receipt.rc_limit")
        rcUsed = try KoinosJSON.decodeUInt64(json["rc_used"], "receipt.rc_used")
        reverted = KoinosJSON.decodeBool(json["reverted"])
        events = try (json["events"]?.arrayValue ?? []).map { v throws(KoinosError) in try KoinosEvent(json: v) }
        logs = (json["logs"]?.arrayValue ?? []).compactMap(\.stringValue)
    }
}

/// One `block_item` of `block_store.get_blocks_by_height`: id, height, the ids of its transactions
/// (when the block was returned) and their receipts (when receipts were returned).
public struct KoinosBlockItem: Sendable, Hashable {
    public var blockID: [UInt8]
    public var height: UInt64
    /// `block.header.previous`: the parent's id (how a window of blocks is checked to link).
    public var previous: [UInt8]
    public var timestampMs: UInt64
    public var transactionIDs: [[UInt8]]
    public var transactionReceipts: [KoinosTransactionReceipt]

    public init(json: JSONValue) throws(KoinosError) {
        blockID = try KoinosJSON.decodeID(json["block_id"], "block_id")
        height = try KoinosJSON.decodeUInt64(json["block_height"], "block_height")
        previous = try KoinosJSON.decodeID(json["block"]?["header"]?["previous"], "block.header.previous")
        timestampMs = try KoinosJSON.decodeUInt64(json["block"]?["header"]?["timestamp"], "block.header.timestamp")
        transactionIDs = try (json["block"]?["transactions"]?.arrayValue ?? []).map { v throws(KoinosError) in
            try KoinosJSON.decodeID(v["id"], "block.transactions.id")
        }
        transactionReceipts = try (json["receipt"]?["transaction_receipts"]?.arrayValue ?? []).map { v throws(KoinosError) in
            try KoinosTransactionReceipt(json: v)
        }
    }
}

/// One `transaction_item` of `transaction_store.get_transactions_by_id`.
public struct KoinosTransactionItem: Sendable, Hashable {
    public var transactionID: [UInt8]
    /// Blocks that include the transaction; empty while it is only pending.
    public var containingBlocks: [[UInt8]]

    public init(json: JSONValue) throws(KoinosError) {
        transactionID = try KoinosJSON.decodeID(json["transaction"]?["id"], "transaction.id")
        containingBlocks = try (json["containing_blocks"]?.arrayValue ?? []).map { v throws(KoinosError) in
            try KoinosJSON.decodeID(v, "containing_blocks")
        }
    }
}
