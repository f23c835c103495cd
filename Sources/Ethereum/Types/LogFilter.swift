// SPDX-License-Identifier: Apache-2.0
public import JSONRPC

/// An `eth_getLogs` filter over a block range: contract addresses and a topic0 alternative list.
public struct LogFilter: Sendable, Hashable {
    public var fromBlock: UInt64
    public var toBlock: UInt64
    /// Contract addresses (20 bytes each); empty = any.
    public var addresses: [[UInt8]]
    /// Accepted topic0 values (32 bytes each); empty = any.
    public var topic0: [[UInt8]]

    public init(fromBlock: UInt64, toBlock: UInt64, addresses: [[UInt8]], topic0: [[UInt8]]) {
        self.fromBlock = fromBlock
        self.toBlock = toBlock
        self.addresses = addresses
        self.topic0 = topic0
    }

    public var json: JSONValue {
        var o: [String: JSONValue] = [
            "fromBlock": .string(Quantity.encode(fromBlock)),
            "toBlock": .string(Quantity.encode(toBlock)),
        ]
        if !addresses.isEmpty {
            o["address"] = addresses.count == 1
                ? .string(HexData.encode(addresses[0])) : .array(addresses.map { .string(HexData.encode($0)) })
        }
        if !topic0.isEmpty {
            o["topics"] = .array([.array(topic0.map { .string(HexData.encode($0)) })])
        }
        return .object(o)
    }
}
