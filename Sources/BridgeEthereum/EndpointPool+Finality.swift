// SPDX-License-Identifier: Apache-2.0
import BridgeCore
public import Ethereum
import Logging

extension EndpointPool {
    /// The highest block `mode` trusts, or nil when none is final yet: the `finalized` or `safe`
    /// tag's block number, or `latest − n` for `confirmations(n)`.
    ///
    /// The one finality rule of the node: the watcher's scan target and the re-observer's check.
    /// In `two_agree` two endpoints are asked and the lower answer is used (nil when either has
    /// none), so one endpoint claiming a later final block cannot make an unfinal block final.
    public func finalBlock(_ mode: FinalityMode) async throws -> UInt64? {
        switch mode {
        case .finalized: return try await lowest("eth_getBlockByNumber") { try await $0.blockHeader(.finalized)?.number }
        case .safe: return try await lowest("eth_getBlockByNumber") { try await $0.blockHeader(.safe)?.number }
        case .confirmations(let n):
            guard let head = try await lowest("eth_blockNumber", { try await $0.blockNumber() }) else { return nil }
            return head >= n ? head - n : nil
        }
    }

    /// One endpoint's answer in `failover`; the lower of two endpoints' answers in `two_agree`.
    private func lowest(_ what: String, _ operation: @Sendable (any EthereumChain) async throws -> UInt64?) async throws -> UInt64? {
        guard trust == .twoAgree else { return try await run(what, operation) }
        let (a, b) = try await runOnTwo(what, operation)
        if let a, let b, a != b {
            logger.debug("Ethereum endpoints report different heights; using the lower", metadata: [
                "eth.method": "\(what)", "eth.heights": "\(a),\(b)",
            ])
        }
        return EndpointFailover.agreedFinal(a, b)
    }

    /// A read whose answer decides what is stored or signed (a receipt, a block header, logs):
    /// the current endpoint's answer in `failover`, two endpoints' identical answers in `two_agree`
    /// (else `WatcherError.endpointsDisagree`, counted in `bridge_eth_endpoint_disagreements_total`).
    public func read<T: Sendable & Equatable>(_ what: String, _ operation: @Sendable (any EthereumChain) async throws -> T) async throws -> T {
        if trust == .twoAgree { return try await runAgreeing(what, operation) }
        return try await run(what, operation)
    }
}
