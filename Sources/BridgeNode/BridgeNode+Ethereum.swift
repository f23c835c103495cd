// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeEthereum

extension BridgeNode {
    /// The watcher's (and re-observer's) view of the `ethereum` and `koinos` sections.
    static func ethereumWatcherConfiguration(
        _ c: ValidatedConfiguration, profile: ContractProfile, contract: [UInt8], koinosBridge: [UInt8]
    ) -> EthereumWatcherConfiguration {
        var configuration = EthereumWatcherConfiguration(
            chainID: c.ethereum.chainID, contract: contract, profile: profile, finality: c.ethereum.finality,
            startBlock: c.ethereum.startBlock ?? 0)
        configuration.maxWindow = c.ethereum.maxBlockWindow
        configuration.deepReorgCheckDepth = c.ethereum.deepReorgCheckDepth
        configuration.pollInterval = .milliseconds(Int64(clamping: c.ethereum.pollIntervalMs))
        configuration.errorBackoff = .milliseconds(Int64(clamping: min(c.ethereum.pollIntervalMs, 1_000)))
        configuration.tokens = c.koinos.tokens
        configuration.koinosContract = koinosBridge
        configuration.signatureLifetimeMs = c.koinos.signatureLifetimeMs
        return configuration
    }
}
