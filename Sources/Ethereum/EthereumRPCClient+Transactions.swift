// SPDX-License-Identifier: Apache-2.0
import JSONRPC

/// Calls that send transactions and read what sending needs: nonces, fees, gas, view calls.
extension EthereumRPCClient {
    /// `eth_getTransactionCount(address, pending ? "pending" : "latest")`: the next nonce.
    public func transactionCount(address: [UInt8], pending: Bool) async throws -> UInt64 {
        let value = try await rpc.call(
            "eth_getTransactionCount", .array([.string(HexData.encode(address)), .string(pending ? "pending" : "latest")]))
        return try Self.quantity(value, "eth_getTransactionCount")
    }

    /// `eth_sendRawTransaction`; returns the hash the node reports. Node refusals are classified
    /// (`EthereumSendError`): nonce conflicts, underpriced replacements, reverts, others.
    public func sendRawTransaction(_ raw: [UInt8]) async throws -> [UInt8] {
        let value: JSONValue
        do {
            value = try await rpc.call("eth_sendRawTransaction", .array([.string(HexData.encode(raw))]))
        } catch JSONRPCClientError.rpc(let error) {
            throw EthereumSendError(error)
        }
        guard let text = value.stringValue else { throw EthereumDecodingError.invalidField("eth_sendRawTransaction", "not a string") }
        return try HexData.decode(text, field: "eth_sendRawTransaction", count: 32)
    }

    /// `eth_maxPriorityFeePerGas`: the node's suggested tip (wei per gas).
    public func maxPriorityFeePerGas() async throws -> UInt64 {
        try Self.quantity(try await rpc.call("eth_maxPriorityFeePerGas"), "eth_maxPriorityFeePerGas")
    }

    /// `baseFeePerGas` of the latest block (wei per gas); 0 before London.
    public func latestBaseFee() async throws -> UInt64 {
        let block = try await rpc.call("eth_getBlockByNumber", .array([.string("latest"), .bool(false)]))
        guard !block.isNull else { throw EthereumDecodingError.missingField("latest block") }
        return try block.optionalQuantity("baseFeePerGas") ?? 0
    }

    /// `eth_estimateGas` of a call from `from` to `to` with `data`. A revert throws
    /// `EthereumSendError.reverted` with the contract's reason.
    public func estimateGas(from: [UInt8], to: [UInt8], data: [UInt8]) async throws -> UInt64 {
        let call = JSONValue.object(["from": .string(HexData.encode(from)), "to": .string(HexData.encode(to)), "data": .string(HexData.encode(data))])
        do {
            return try Self.quantity(try await rpc.call("eth_estimateGas", .array([call])), "eth_estimateGas")
        } catch JSONRPCClientError.rpc(let error) {
            throw EthereumSendError(error)
        }
    }

    /// `eth_call` of `data` on `to` at `tag`; the returned bytes. A revert throws `EthereumSendError.reverted`.
    public func call(to: [UInt8], data: [UInt8], from: [UInt8]? = nil, at tag: BlockTag = .latest) async throws -> [UInt8] {
        var call: [String: JSONValue] = ["to": .string(HexData.encode(to)), "data": .string(HexData.encode(data))]
        if let from { call["from"] = .string(HexData.encode(from)) }
        let value: JSONValue
        do {
            value = try await rpc.call("eth_call", .array([.object(call), tag.json]))
        } catch JSONRPCClientError.rpc(let error) {
            throw EthereumSendError(error)
        }
        guard let text = value.stringValue else { throw EthereumDecodingError.invalidField("eth_call", "not a string") }
        return try HexData.decode(text, field: "eth_call")
    }
}
