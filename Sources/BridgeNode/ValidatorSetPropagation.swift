// SPDX-License-Identifier: Apache-2.0
import BridgeAttestation
import BridgeCore
import BridgeGossip
import BridgeKoinos
import Logging
import ServiceLifecycle

/// Applies the validator set read from the Koinos bridge contract to the aggregator and the gossip
/// plugin, without a restart. The Koinos submitter refreshes `sync` on its own timer (one reader
/// for the whole node); this service only watches `sync.current` and propagates changes.
struct ValidatorSetPropagation: Service {
    let sync: KoinosValidatorSetSync
    let aggregator: Aggregator
    let endpoint: BridgeGossipEndpoint
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var applied = sync.current
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                let current = sync.current
                guard current != applied, current.count > 0 else { continue }
                endpoint.updateValidators(current)
                await aggregator.updateValidators(current)
                logger.notice(
                    "validator set changed", metadata: ["validators.count": "\(current.count)", "validators.from_chain": "\(sync.isFromChain)"])
                applied = current
            }
        }
    }
}
