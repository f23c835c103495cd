// SPDX-License-Identifier: Apache-2.0
import BridgeAttestation
import BridgeCore
import BridgeGossip
import BridgeKoinos
import Logging
import Primitives
import ServiceLifecycle

/// Applies the validator set read from the Koinos bridge contract to the aggregator and the gossip
/// plugin, without a restart. The Koinos submitter refreshes `sync` on its own timer (one reader
/// for the whole node); this service waits for `sync.changes` and propagates the new set, and
/// still looks every `interval` (a safety poll: a missed signal costs at most that long).
struct ValidatorSetPropagation: Service {
    let sync: KoinosValidatorSetSync
    let aggregator: Aggregator
    let endpoint: BridgeGossipEndpoint
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var applied = sync.current
            var seen = sync.changes.generation
            while !Task.isCancelled {
                await sync.changes.wait(beyond: seen, upTo: interval)
                seen = sync.changes.generation
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
