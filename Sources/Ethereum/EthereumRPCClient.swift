// SPDX-License-Identifier: Apache-2.0
public import JSONRPC

/// Typed Ethereum JSON-RPC calls over a `JSONRPCClient`.
///
/// Answers are decoded strictly: a malformed field throws `EthereumDecodingError`, a provider's
/// log-query limit throws `EthereumRPCError.logQueryTooLarge`, transport and envelope problems
/// surface as `JSONRPCClientError`.
public struct EthereumRPCClient: Sendable {
    public let rpc: JSONRPCClient

    public init(rpc: JSONRPCClient) { self.rpc = rpc }

    public init(transport: any JSONRPCTransport) { self.rpc = JSONRPCClient(transport: transport) }

    /// The endpoint, credentials stripped.
    public var endpointDescription: String { rpc.transport.endpointDescription }

    /// `eth_chainId`.
    public func chainID() async throws -> UInt64 {
        try Self.quantity(try await rpc.call("eth_chainId"), "eth_chainId")
    }

    /// `eth_blockNumber`.
    public func blockNumber() async throws -> UInt64 {
        try Self.quantity(try await rpc.call("eth_blockNumber"), "eth_blockNumber")
    }

    /// `eth_getBlockByNumber(tag, false)`; nil when the node has no such block (or does not know the tag yet).
    public func blockHeader(_ tag: BlockTag) async throws -> EthereumBlockHeader? {
        let value = try await rpc.call("eth_getBlockByNumber", .array([tag.json, .bool(false)]))
        return value.isNull ? nil : try EthereumBlockHeader(json: value)
    }

    /// `eth_getLogs` over `filter`.
    public func logs(_ filter: LogFilter) async throws -> [EthereumLog] {
        let value: JSONValue
        do {
            value = try await rpc.call("eth_getLogs", .array([filter.json]))
        } catch JSONRPCClientError.rpc(let error) {
            if let limit = EthereumRPCError.logLimit(error, filter: filter) { throw limit }
            throw JSONRPCClientError.rpc(error)
        }
        guard let items = value.arrayValue else { throw EthereumDecodingError.invalidField("eth_getLogs", "result is not an array") }
        return try items.map(EthereumLog.init(json:))
    }

    /// `eth_getTransactionReceipt`; nil when the node does not know the transaction.
    public func receipt(transactionHash: [UInt8]) async throws -> EthereumReceipt? {
        let value = try await rpc.call("eth_getTransactionReceipt", .array([.string(HexData.encode(transactionHash))]))
        return value.isNull ? nil : try EthereumReceipt(json: value)
    }

    /// Receipts of several transactions in one batch request; per-entry errors stay per entry.
    public func receipts(transactionHashes: [[UInt8]]) async throws -> [Result<EthereumReceipt?, any Error>] {
        let answers = try await rpc.batch(transactionHashes.map { ("eth_getTransactionReceipt", .array([.string(HexData.encode($0))])) })
        return answers.map { answer in
            switch answer {
            case .failure(let error): .failure(JSONRPCClientError.rpc(error))
            case .success(let value): Result { value.isNull ? nil : try EthereumReceipt(json: value) }
            }
        }
    }

    /// `eth_getCode(address, tag)`.
    public func code(address: [UInt8], at tag: BlockTag = .latest) async throws -> [UInt8] {
        let value = try await rpc.call("eth_getCode", .array([.string(HexData.encode(address)), tag.json]))
        guard let text = value.stringValue else { throw EthereumDecodingError.invalidField("eth_getCode", "not a string") }
        return try HexData.decode(text, field: "eth_getCode")
    }

    static func quantity(_ value: JSONValue, _ method: String) throws -> UInt64 {
        guard let text = value.stringValue, let q = Quantity.decode(text) else {
            throw EthereumDecodingError.invalidField(method, "result is not a quantity")
        }
        return q
    }
}

/// Ethereum-level RPC failures that callers act on.
public enum EthereumRPCError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The provider refused an `eth_getLogs` range (too many results or too many blocks).
    /// `suggestedToBlock` is the provider's hint of a range that fits, when it gave one.
    case logQueryTooLarge(message: String, suggestedToBlock: UInt64?)

    public var description: String {
        switch self {
        case .logQueryTooLarge(let m, let to): "log query too large (\(m))" + (to.map { ", provider suggests toBlock \($0)" } ?? "")
        }
    }

    /// Recognises the limit answers of geth, Infura (-32005 with `data.to`), Alchemy and others by
    /// code and message; nil for any other error.
    static func logLimit(_ error: JSONRPCErrorObject, filter: LogFilter) -> EthereumRPCError? {
        let text = error.message.lowercased()
        let markers = ["too many", "limit", "range", "exceed", "more than", "too large", "response size", "block range"]
        guard error.code == -32005 || markers.contains(where: text.contains) else { return nil }
        var suggested: UInt64?
        if let to = error.data?["to"]?.stringValue, let n = Quantity.decode(to), n >= filter.fromBlock, n < filter.toBlock {
            suggested = n
        }
        return .logQueryTooLarge(message: error.message, suggestedToBlock: suggested)
    }
}
