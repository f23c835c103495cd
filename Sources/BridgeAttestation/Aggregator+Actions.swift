// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import Logging
import CoreMetrics

extension Aggregator {
    /// Performs the pool's actions in order. The store writes of one call are applied as one batch
    /// (one transaction, a savepoint per write); failures are logged and counted, never fatal (the
    /// signatures are re-derived from the store on restart). Lookups in the store
    /// (`reobserveLocally`) run after the batch.
    func perform(_ actions: [AttestationPool.Action], extraWrites: [AttestationWrite] = []) async {
        let now = clock.nowMilliseconds
        var actions = actions
        // Signatures the pool wants recovered: those that recover are received now and their
        // outcome joins this batch (one store transaction). A batch is recovered off the cooperative
        // pool (`AggregatorCryptoQueue`); the pool's `receive` takes duplicates and settled digests.
        let toVerify = actions.flatMap { action -> [SignedObservation] in
            if case .verifySignatures(let items) = action { items } else { [] }
        }
        if !toVerify.isEmpty { actions += pool.receive(await recovered(toVerify), atMilliseconds: now) }
        var writes = extraWrites
        var lookups: [ObservationID] = []
        for action in actions {
            switch action {
            case .verifySignatures:
                continue
            case .persistSignatures(let items):
                writes.append(.peerSignatures(items))
            case .broadcastSignatures(let items):
                outboundSignatures += items
            case .requestReobservation(let id):
                metrics.retries.increment()
                outboundRequests.append(id)
            case .reobserveLocally(let id):
                lookups.append(id)
            case .markQuorum(let record):
                writes.append(.quorum(record))
                settled.update(record.digest, members: record.submissionSet.map { $0.validator })
                metrics.quorum.increment()
                logger.debug("Quorum reached", metadata: ["transfer.id": "\(record.observationID)"])
            case .revokeQuorum(let id, let digest):
                writes.append(.revokeQuorum(id))
                settled.remove(digest)
                logger.warning("Quorum revoked after equivocation", metadata: ["transfer.id": "\(id)"])
            case .broadcastAttestations(let sets):
                outboundAttestations += sets
            case .recordEvidence(let evidence):
                writes.append(.equivocation(evidence))
                metrics.equivocations.increment()
                logger.warning(
                    "Validator equivocated",
                    metadata: ["transfer.id": "\(evidence.observationID)", "validator.address": "\(Hex.encode(evidence.validator))"])
            case .markExpired(let ids):
                writes.append(.expired(ids))
                metrics.expired.increment(by: ids.count)
                logger.warning("Gave up on observations without quorum", metadata: ["count": "\(ids.count)"])
            }
        }
        await store(writes, atMilliseconds: now)
        for id in lookups {
            // Already attested but no longer in memory: answer from the store.
            if let stored = try? await repository.quorumAttestation(for: id) {
                outboundAttestations.append(stored)
            } else {
                await reobservation?.requestReobservation(of: id)
            }
        }
        if outboundSignatures.count >= configuration.flushThreshold { await flush() }
    }

    /// The signatures of `items` that recover to their claimed validator; the others are counted and logged.
    func recovered(_ items: [SignedObservation]) async -> [SignedObservation] {
        guard let verifier else {
            metrics.badSignatures.increment(by: items.count)
            logger.error("Unverified peer signatures but no verifier: dropped", metadata: ["count": "\(items.count)"])
            return []
        }
        let good = await crypto.recovering(items, with: verifier)
        if good.count < items.count {
            metrics.badSignatures.increment(by: items.count - good.count)
            logger.warning("Peer signatures that do not recover to their validator: dropped", metadata: ["count": "\(items.count - good.count)"])
        }
        return good
    }

    /// Applies `writes` as one batch; each failed write (rolled back alone) and a failed commit are
    /// logged and counted.
    func store(_ writes: [AttestationWrite], atMilliseconds now: UInt64) async {
        guard !writes.isEmpty else { return }
        do {
            for failure in try await repository.apply(writes, atMilliseconds: now) {
                metrics.storeErrors.increment()
                logger.error("Store write failed", metadata: ["error": "\(failure.error)"])
            }
        } catch {
            metrics.storeErrors.increment(by: writes.count)
            logger.error("Store batch failed", metadata: ["error": "\(error)", "writes": "\(writes.count)"])
        }
    }
}
