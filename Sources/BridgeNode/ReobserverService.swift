// SPDX-License-Identifier: Apache-2.0
import BridgeAttestation
import BridgeEthereum
import ServiceLifecycle

/// Runs the Ethereum re-observer and nudges the aggregator whenever it stores an observation,
/// exactly as `WatcherService` does for scanned ones: the aggregator signs what is `observed` in
/// the store and gossips the signature, whichever path stored it.
struct ReobserverService: Service {
    let reobserver: EthereumReobserver
    let aggregator: Aggregator

    func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await reobserver.run() }
            group.addTask {
                for await _ in reobserver.observations { await aggregator.step() }
            }
            try await group.waitForAll()
        }
    }
}
