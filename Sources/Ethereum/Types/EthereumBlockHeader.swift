// SPDX-License-Identifier: Apache-2.0
public import JSONRPC

/// The header fields of `eth_getBlockByNumber` the watcher needs.
public struct EthereumBlockHeader: Sendable, Hashable {
    public var number: UInt64
    /// 32 bytes.
    public var hash: [UInt8]
    /// 32 bytes.
    public var parentHash: [UInt8]
    /// Unix seconds.
    public var timestamp: UInt64

    public init(number: UInt64, hash: [UInt8], parentHash: [UInt8], timestamp: UInt64) {
        self.number = number
        self.hash = hash
        self.parentHash = parentHash
        self.timestamp = timestamp
    }

    public init(json: JSONValue) throws {
        number = try json.quantity("number")
        hash = try json.data("hash", count: 32)
        parentHash = try json.data("parentHash", count: 32)
        timestamp = try json.quantity("timestamp")
    }
}
