// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import Ethereum
import JSONRPC
import Synchronization

/// The Ethereum endpoints as the sender sees them (`ethereum.rpc`, all of them).
///
/// Reads (nonce, fees, gas estimates, `isTransferCompleted`, the validator set, receipts, heads)
/// go through `EndpointPool.run`: a transport error or an answer that does not decode moves the
/// call to the next endpoint and counts against the first; a revert or refusal is the chain's
/// answer and is returned as is. A signed transaction goes to every usable endpoint at once
/// (`EndpointPool.broadcast`, `RawTransactionBroadcast`).
public struct EthereumSenderEndpoints: Sendable {
    public let pool: EndpointPool
    let bridge: [UInt8]

    public init(pool: EndpointPool, bridge: [UInt8]) {
        self.pool = pool
        self.bridge = bridge
    }

    func transactionCount(address: [UInt8], pending: Bool) async throws -> UInt64 {
        try await read("eth_getTransactionCount") { try await $0.transactionCount(address: address, pending: pending) }
    }

    func latestBaseFee() async throws -> UInt64 {
        try await read("eth_getBlockByNumber") { try await $0.latestBaseFee() }
    }

    /// The node's suggested tip; nil when the endpoint answers that it has none (an RPC error is
    /// an answer here: the caller falls back to the configured default).
    func maxPriorityFeePerGas() async throws -> UInt64? {
        try await read("eth_maxPriorityFeePerGas") { client -> UInt64? in
            do { return try await client.maxPriorityFeePerGas() } catch JSONRPCClientError.rpc { return nil }
        }
    }

    func estimateGas(from: [UInt8], to: [UInt8], data: [UInt8]) async throws -> UInt64 {
        try await read("eth_estimateGas") { try await $0.estimateGas(from: from, to: to, data: data) }
    }

    func call(to: [UInt8], data: [UInt8], from: [UInt8]? = nil, at tag: BlockTag = .latest) async throws -> [UInt8] {
        try await read("eth_call") { try await $0.call(to: to, data: data, from: from, at: tag) }
    }

    func receipts(transactionHashes: [[UInt8]]) async throws -> [Result<EthereumReceipt?, any Error>] {
        try await read("eth_getTransactionReceipt") { try await $0.receipts(transactionHashes: transactionHashes) }
    }

    func blockNumber() async throws -> UInt64 {
        try await read("eth_blockNumber") { try await $0.blockNumber() }
    }

    func blockHeader(_ tag: BlockTag) async throws -> EthereumBlockHeader? {
        try await read("eth_getBlockByNumber") { try await $0.blockHeader(tag) }
    }

    /// `isTransferCompleted`, the answer decoded on the endpoint that gave it (garbage fails over).
    func isTransferCompleted(_ m: EthereumTransferMessage) async throws -> Bool {
        let bridge = self.bridge
        return try await read("isTransferCompleted") { try await BridgeContractReader(rpc: $0, bridge: bridge).isTransferCompleted(m) }
    }

    func validators() async throws -> ValidatorSet {
        let bridge = self.bridge
        return try await read("validators") { try await BridgeContractReader(rpc: $0, bridge: bridge).validators() }
    }

    /// `operation` through `EndpointPool.run`. When no endpoint gave a usable answer but one refused
    /// with an unclassified error (`EthereumSendError.other`, failed over like a fault: it may be a
    /// lagging node), that refusal is thrown rather than "no usable endpoint", so the sender counts
    /// it as a refusal (bounded attempts) and not as an outage (retried without end).
    private func read<T: Sendable>(_ what: String, _ operation: @Sendable (any EthereumChain) async throws -> T) async throws -> T {
        let refusal = LastRefusal()
        do {
            return try await pool.run(what) { client in
                do { return try await operation(client) } catch let error as EthereumSendError {
                    refusal.value.withLock { $0 = error }
                    throw error
                }
            }
        } catch WatcherError.noUsableEndpoint(let text) {
            if let error = refusal.value.withLock({ $0 }) { throw error }
            throw WatcherError.noUsableEndpoint(text)
        }
    }

    /// Sends `raw` (whose hash is `hash`) to every usable endpoint; returns once one took it.
    /// Throws the refusal the sender acts on when none did, `WatcherError.noUsableEndpoint` when
    /// none answered.
    func sendRawTransaction(_ raw: [UInt8], hash: [UInt8]) async throws {
        switch RawTransactionBroadcast.outcome(await pool.broadcast(raw, expectedHash: hash)) {
        case .sent: return
        case .refused(let error): throw error
        case .unreachable(let text): throw WatcherError.noUsableEndpoint(text)
        }
    }
}

/// The last node refusal seen while failing over (see `EthereumSenderEndpoints.read`).
private final class LastRefusal: Sendable {
    let value = Mutex<EthereumSendError?>(nil)
}
