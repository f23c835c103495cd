// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import Logging

extension EndpointPool {
    /// Waits until an endpoint answers `eth_chainId` with the configured chain; returns the
    /// endpoints that do.
    ///
    /// Endpoints that cannot be reached are asked again after a growing pause (`initialDelayMs`,
    /// doubled up to `maxDelayMs`), with one "unreachable" line per round, as the watcher retries a
    /// failing endpoint mid-run; the node does not exit for a provider that is down at boot. When
    /// every endpoint answered with another chain, nothing will change: `WatcherError.wrongChain`.
    @discardableResult
    public func waitForChain(initialDelayMs: UInt64 = 1_000, maxDelayMs: UInt64 = 30_000) async throws -> [Int] {
        var delayMs = initialDelayMs
        var round = 0
        while true {
            let good = await verifyChainIDs()
            if !good.isEmpty {
                if round > 0 { logger.notice("Ethereum endpoint reachable; starting", metadata: ["eth.endpoints": "\(good)"]) }
                return good
            }
            let snapshot = healthSnapshot
            let unreachable = snapshot.filter { !$0.wrongChain }.map(\.index)
            guard !unreachable.isEmpty else {
                throw WatcherError.wrongChain(expected: expectedChainID, served: snapshot.compactMap(\.servedChainID))
            }
            round += 1
            logger.error("Ethereum endpoint unreachable at start; retrying", metadata: [
                "eth.endpoints.unreachable": "\(unreachable)", "eth.chain_id.expected": "\(expectedChainID)",
                "retry.attempt": "\(round)", "retry.in_ms": "\(delayMs)",
            ])
            try await Task.sleep(for: .milliseconds(Int64(clamping: delayMs)))
            delayMs = min(delayMs * 2, max(maxDelayMs, initialDelayMs))
        }
    }
}
