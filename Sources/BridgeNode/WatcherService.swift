// SPDX-License-Identifier: Apache-2.0
import BridgeAttestation
import BridgeEthereum
import BridgeStore
import Ethereum
import Logging
import ServiceLifecycle

/// Runs the Ethereum watcher and nudges the aggregator whenever new observations are committed,
/// so signing starts at once instead of on the aggregator's next tick.
///
/// When the configuration has no `ethereum.start_block` and the store no cursor, the first start
/// begins at the current final block (history before it is not scanned).
struct WatcherService: Service {
    let configuration: EthereumWatcherConfiguration
    let startAtFinalHead: Bool
    let pool: EndpointPool
    let database: BridgeDatabase
    let aggregator: Aggregator
    let logger: Logger

    func run() async throws {
        var configuration = self.configuration
        try await cancelWhenGracefulShutdown { try await pool.waitForChain() }
        if startAtFinalHead, try await database.cursorBlock(configuration.cursorName) == nil {
            configuration.startBlock = try await finalHead(configuration.finality)
            logger.info("no cursor and no ethereum.start_block: starting at the final head", metadata: ["eth.block": "\(configuration.startBlock)"])
        }
        let watcher = EthereumWatcher(configuration: configuration, pool: pool, store: SQLiteObservationStore(database), clock: ContinuousClock(), logger: logger)
        try await aggregator.run(watcher, signingEachOf: watcher.observations)
    }

    /// The final block now, retried until an endpoint answers or shutdown.
    private func finalHead(_ finality: FinalityMode) async throws -> UInt64 {
        while true {
            do {
                return try await pool.finalBlock(finality) ?? 0
            } catch {
                logger.warning("Cannot read the final Ethereum block yet", metadata: ["error": "\(error)"])
                try await Task.sleep(for: .seconds(2))
                if Task.isShuttingDownGracefully { throw CancellationError() }
            }
        }
    }
}
