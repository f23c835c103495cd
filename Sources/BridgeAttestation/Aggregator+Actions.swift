// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import Logging
import CoreMetrics

extension Aggregator {
    /// Performs the pool's actions in order; store failures are logged and counted, never fatal
    /// (the signatures are re-derived from the store on restart). The store writes of one call
    /// run in one write group (one transaction when the store provides it); lookups in the store
    /// (`reobserveLocally`) run after it.
    func perform(_ actions: [AttestationPool.Action]) async {
        let now = clock.nowMilliseconds
        var lookups: [ObservationID] = []
        inWriteGroup(when: actions.lazy.filter(\.writesStore).count > 1) {
            for action in actions {
                switch action {
                case .persistSignatures(let items):
                    storing { try repository.storeSignatures(items, atMilliseconds: now) }
                case .broadcastSignatures(let items):
                    outboundSignatures += items
                case .requestReobservation(let id):
                    metrics.retries.increment()
                    outboundRequests.append(id)
                case .reobserveLocally(let id):
                    lookups.append(id)
                case .markQuorum(let record):
                    storing { try repository.markQuorum(record, atMilliseconds: now) }
                    settled.update(record.digest, members: record.submissionSet.map { $0.validator })
                    metrics.quorum.increment()
                    logger.debug("Quorum reached", metadata: ["transfer.id": "\(record.observationID)"])
                case .revokeQuorum(let id, let digest):
                    storing { try repository.revokeQuorum(id, atMilliseconds: now) }
                    settled.remove(digest)
                    logger.warning("Quorum revoked after equivocation", metadata: ["transfer.id": "\(id)"])
                case .broadcastAttestations(let sets):
                    outboundAttestations += sets
                case .recordEvidence(let evidence):
                    storing { try repository.recordEquivocation(evidence, atMilliseconds: now) }
                    metrics.equivocations.increment()
                    logger.warning(
                        "Validator equivocated",
                        metadata: ["transfer.id": "\(evidence.observationID)", "validator.address": "\(Hex.encode(evidence.validator))"])
                case .markExpired(let ids):
                    storing { try repository.markExpired(ids, atMilliseconds: now) }
                    metrics.expired.increment(by: ids.count)
                    logger.warning("Gave up on observations without quorum", metadata: ["count": "\(ids.count)"])
                }
            }
        }
        for id in lookups {
            // Already attested but no longer in memory: answer from the store.
            if let stored = try? repository.quorumAttestation(for: id) {
                outboundAttestations.append(stored)
            } else {
                await reobservation?.requestReobservation(of: id)
            }
        }
        if outboundSignatures.count >= configuration.flushThreshold { await flush() }
    }

    func storing(_ body: () throws -> Void) {
        do { try body() } catch {
            metrics.storeErrors.increment()
            logger.error("Store write failed", metadata: ["error": "\(error)"])
        }
    }

    /// Runs `body` in the write group when there is one and `grouped` (more than one write);
    /// a failed group commit is logged and counted.
    func inWriteGroup(when grouped: Bool, _ body: () -> Void) {
        guard grouped, let writeGroup else { return body() }
        storing { try writeGroup(body) }
    }
}

extension AttestationPool.Action {
    /// Whether performing the action writes to the store.
    var writesStore: Bool {
        switch self {
        case .persistSignatures, .markQuorum, .revokeQuorum, .recordEvidence, .markExpired: true
        case .broadcastSignatures, .requestReobservation, .reobserveLocally, .broadcastAttestations: false
        }
    }
}
