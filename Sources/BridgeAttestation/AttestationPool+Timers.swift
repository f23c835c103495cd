// SPDX-License-Identifier: Apache-2.0
import BridgeCore

extension AttestationPool {
    /// Advances the timers: retries with backoff and jitter, give-up, and memory cleanup.
    public mutating func tick(atMilliseconds now: UInt64) -> [Action] {
        var actions: [Action] = []
        var expired: [ObservationID] = []
        var retried: [SignedObservation] = []
        for key in entries.keys.sorted() {
            guard let entry = entries[key] else { continue }
            if let quorumAt = entry.quorumAtMilliseconds {
                if now &- quorumAt >= configuration.settledRetentionMilliseconds { forget(key, final: true) }
            } else if let observedAt = entry.observedAtMilliseconds, let own = entry.own {
                if now &- observedAt >= configuration.giveUpAfterMilliseconds {
                    expired.append(entry.observationID)
                    forget(key, final: true)
                } else if now >= entry.nextRetryAtMilliseconds {
                    retried.append(own)
                    actions.append(.requestReobservation(entry.observationID))
                    let delay = retryDelay(afterAttempts: entry.retries + 1)
                    entries[key]?.retries = entry.retries + 1
                    entries[key]?.nextRetryAtMilliseconds = now &+ delay
                }
            }
        }
        if now > configuration.unobservedRetentionMilliseconds {
            unobserved.expire(receivedBefore: now - configuration.unobservedRetentionMilliseconds)
        }
        // Evidence restored from the store stays in memory only while we hold the id.
        equivocators = equivocators.filter { observedDigests[$0.key] != nil }
        actions += expireParkedConflicts(now: now)
        actions += releaseHeldSignatures(now: now)
        if !retried.isEmpty { actions.insert(.broadcastSignatures(retried), at: 0) }
        if !expired.isEmpty { actions.append(.markExpired(expired)) }
        answeredRequests = answeredRequests.filter { now &- $0.value < Self.requestDedupMilliseconds }
        return actions
    }

    /// Our own signatures still short of quorum, to send again at once when a validator (re)joins:
    /// what we published before it was connected and bound to our heartbeat never reached it.
    /// Retry timers are left as they are.
    public func ownSignaturesAwaitingQuorum() -> [Action] {
        let owns = entries.values.filter { $0.quorumAtMilliseconds == nil }.compactMap(\.own)
        return owns.isEmpty ? [] : [.broadcastSignatures(owns.sorted { $0.digest.lexicographicallyPrecedes($1.digest) })]
    }

    /// Delay before the next retry: first × 2^attempts, capped, plus up to `retryJitterFraction` of it at random.
    mutating func retryDelay(afterAttempts attempts: Int) -> UInt64 {
        let first = configuration.firstRetryAfterMilliseconds
        let shift = min(attempts, 20)
        let (scaled, overflow) = first.multipliedReportingOverflow(by: 1 << UInt64(shift))
        let base = overflow ? configuration.maxRetryBackoffMilliseconds : min(scaled, configuration.maxRetryBackoffMilliseconds)
        let jitterMax = UInt64(Double(base) * max(0, min(1, configuration.retryJitterFraction)))
        let jitter = jitterMax == 0 ? 0 : random.next() % (jitterMax + 1)
        return base + jitter
    }

    /// Drops an entry from memory (the store keeps it), its claims and evidence ids.
    mutating func forget(_ key: DigestKey, final: Bool) {
        guard let entry = entries.removeValue(forKey: key) else { return }
        if final { finalDigests.insert(key) }
        if let held = heldSignatures.removeValue(forKey: key) { heldSignatureCount -= held.count }
        if observedDigests[entry.observationID] == entry.digest {
            observedDigests[entry.observationID] = nil
            claims[entry.observationID] = nil
            equivocators[entry.observationID] = nil
            parkedConflicts[entry.observationID] = nil
        }
    }
}
