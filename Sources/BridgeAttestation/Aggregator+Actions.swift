// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import Logging
import CoreMetrics

extension Aggregator {
    /// Performs the pool's actions in order; store failures are logged and counted, never fatal
    /// (the signatures are re-derived from the store on restart).
    func perform(_ actions: [AttestationPool.Action]) async {
        let now = clock.nowMilliseconds
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
                await reobservation?.requestReobservation(of: id)
            case .markQuorum(let record):
                storing { try repository.markQuorum(record, atMilliseconds: now) }
                settled.update(record.digest, members: record.submissionSet.map(\.validator))
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
                    "Validator equivocated", metadata: ["transfer.id": "\(evidence.observationID)", "validator.address": "\(Hex.encode(evidence.validator))"])
            case .markExpired(let ids):
                storing { try repository.markExpired(ids, atMilliseconds: now) }
                metrics.expired.increment(by: ids.count)
                logger.warning("Gave up on observations without quorum", metadata: ["count": "\(ids.count)"])
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
}
