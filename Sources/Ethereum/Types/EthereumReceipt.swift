// SPDX-License-Identifier: Apache-2.0
public import JSONRPC

/// The receipt fields the watcher re-checks before emitting an observation (Wormhole's rule).
public struct EthereumReceipt: Sendable, Hashable {
    /// 32 bytes.
    public var transactionHash: [UInt8]
    /// 32 bytes.
    public var blockHash: [UInt8]
    public var blockNumber: UInt64
    /// 1 = success, 0 = reverted (post-Byzantium); nil on ancient receipts without it.
    public var status: UInt64?
    public var logs: [EthereumLog]

    public init(transactionHash: [UInt8], blockHash: [UInt8], blockNumber: UInt64, status: UInt64?, logs: [EthereumLog]) {
        self.transactionHash = transactionHash
        self.blockHash = blockHash
        self.blockNumber = blockNumber
        self.status = status
        self.logs = logs
    }

    public init(json: JSONValue) throws {
        transactionHash = try json.data("transactionHash", count: 32)
        blockHash = try json.data("blockHash", count: 32)
        blockNumber = try json.quantity("blockNumber")
        status = try json.optionalQuantity("status")
        guard let logValues = try json.field("logs").arrayValue else {
            throw EthereumDecodingError.invalidField("logs", "not an array")
        }
        logs = try logValues.map(EthereumLog.init(json:))
    }

    /// True when the transaction executed successfully.
    public var succeeded: Bool { status == 1 }
}
