// SPDX-License-Identifier: Apache-2.0
import Ethereum

extension EndpointPool {
    /// The highest block `mode` trusts, or nil when none is final yet: the `finalized` or `safe`
    /// tag's block number, or `latest − n` for `confirmations(n)`.
    ///
    /// The one finality rule of the node: the watcher's scan target and the re-observer's check.
    public func finalBlock(_ mode: FinalityMode) async throws -> UInt64? {
        switch mode {
        case .finalized: return try await run("eth_getBlockByNumber") { try await $0.blockHeader(.finalized) }?.number
        case .safe: return try await run("eth_getBlockByNumber") { try await $0.blockHeader(.safe) }?.number
        case .confirmations(let n):
            let head = try await run("eth_blockNumber") { try await $0.blockNumber() }
            return head >= n ? head - n : nil
        }
    }
}
