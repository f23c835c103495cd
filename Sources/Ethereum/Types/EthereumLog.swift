// SPDX-License-Identifier: Apache-2.0
public import JSONRPC

/// One log entry as `eth_getLogs` and receipts return it, strictly decoded.
public struct EthereumLog: Sendable, Hashable {
    /// Emitting contract (20 bytes).
    public var address: [UInt8]
    /// Topics, 32 bytes each (0…4 of them).
    public var topics: [[UInt8]]
    public var data: [UInt8]
    public var blockNumber: UInt64
    /// 32 bytes.
    public var blockHash: [UInt8]
    /// 32 bytes.
    public var transactionHash: [UInt8]
    public var transactionIndex: UInt64
    public var logIndex: UInt64
    /// True when a node reports the log as removed by a reorg (subscriptions only, in practice).
    public var removed: Bool

    public init(
        address: [UInt8], topics: [[UInt8]], data: [UInt8], blockNumber: UInt64, blockHash: [UInt8],
        transactionHash: [UInt8], transactionIndex: UInt64, logIndex: UInt64, removed: Bool = false
    ) {
        self.address = address
        self.topics = topics
        self.data = data
        self.blockNumber = blockNumber
        self.blockHash = blockHash
        self.transactionHash = transactionHash
        self.transactionIndex = transactionIndex
        self.logIndex = logIndex
        self.removed = removed
    }

    /// Decodes a log object; a pending log (null block fields) is an error here.
    public init(json: JSONValue) throws {
        address = try json.data("address", count: 20)
        guard let topicValues = try json.field("topics").arrayValue, topicValues.count <= 4 else {
            throw EthereumDecodingError.invalidField("topics", "not an array of at most 4 topics")
        }
        topics = try topicValues.map { v in
            guard let s = v.stringValue else { throw EthereumDecodingError.invalidField("topics", "not a string") }
            return try HexData.decode(s, field: "topics", count: 32)
        }
        data = try json.data("data")
        blockNumber = try json.quantity("blockNumber")
        blockHash = try json.data("blockHash", count: 32)
        transactionHash = try json.data("transactionHash", count: 32)
        transactionIndex = try json.quantity("transactionIndex")
        logIndex = try json.quantity("logIndex")
        switch json["removed"] {
        case nil, .null?: removed = false
        case .bool(let b)?: removed = b
        default: throw EthereumDecodingError.invalidField("removed", "not a boolean")
        }
    }
}
