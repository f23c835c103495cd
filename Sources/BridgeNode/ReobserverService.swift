// SPDX-License-Identifier: Apache-2.0
import BridgeAttestation
import BridgeCore
import BridgeEthereum
import BridgeStore
import ServiceLifecycle

/// Runs the Ethereum re-observer and nudges the aggregator whenever it stores an observation,
/// exactly as `WatcherService` does for scanned ones: the aggregator signs what is `observed` in
/// the store and gossips the signature, whichever path stored it.
struct ReobserverService: Service {
    let reobserver: EthereumReobserver
    let aggregator: Aggregator

    func run() async throws {
        try await aggregator.run(reobserver, signingEachOf: reobserver.observations)
    }
}

extension Aggregator {
    /// Runs `producer` and steps this aggregator on every observation it reports as stored, so
    /// signing starts at once instead of on the aggregator's next tick.
    func run(_ producer: some Service, signingEachOf stored: AsyncStream<ObservationRecord>) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await producer.run() }
            group.addTask {
                for await _ in stored { await self.step() }
            }
            try await group.waitForAll()
        }
    }
}
