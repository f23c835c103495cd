// SPDX-License-Identifier: Apache-2.0
import BridgeCore

/// Re-signing (bridge-contracts.md §2.7): an honoured re-sign request gives a transfer a new
/// expiration, so a new digest, signed again by every validator. The old and new sets never mix,
/// and a validator's signature over both is not equivocation.
extension AttestationPool {
    /// A validator's signature over a digest other than its first claim for the id, held a while.
    struct ParkedConflict: Sendable {
        var item: SignedObservation
        var firstDigest: [UInt8]
        var firstSignature: [UInt8]
        var atMilliseconds: UInt64
    }

    /// A digest we signed once and replaced since (found after a restart): nothing more is taken for it.
    public mutating func retire(_ digest: [UInt8]) {
        let key = DigestKey(digest)
        if entries[key] != nil { forget(key, final: true) } else { finalDigests.insert(key) }
    }

    /// Conflicting signatures held now (inspection and tests).
    public var parkedConflictCount: Int { parkedConflicts.values.reduce(0) { $0 + $1.count } }

    /// Our own store re-signed `id` from `old` to `new`: the old entry leaves memory and is final
    /// (its late signatures are ignored), the claims start afresh (evidence already found stays).
    /// Returns the peers' signatures of `new` that came before ours, to absorb as usual.
    mutating func supersede(_ id: ObservationID, old: [UInt8], new: [UInt8]) -> [SignedObservation] {
        let profile = entries[DigestKey(old)]?.profile
        var reclaimed: [SignedObservation] = (parkedConflicts[id] ?? []).map(\.item).filter { $0.digest == new }
        for claim in claims[id]?.entries ?? [] where claim.value.digest == new {
            guard let profile else { break }
            reclaimed.append(SignedObservation(
                observationID: id, profile: profile, digest: new,
                signature: ValidatorSignature(validator: claim.validator, signature: claim.value.signature)))
        }
        let evidence = equivocators[id]
        forget(DigestKey(old), final: true)
        finalDigests.insert(DigestKey(old))
        observedDigests[id] = nil
        claims[id] = nil
        parkedConflicts[id] = nil
        equivocators[id] = evidence
        return reclaimed
    }

    /// Holds a conflicting signature for the grace period; false when it must count as equivocation now.
    mutating func park(_ item: SignedObservation, first: (digest: [UInt8], signature: [UInt8]), now: UInt64) -> Bool {
        guard configuration.resignGraceMilliseconds > 0 else { return false }
        let validator = item.signature.validator
        if parkedConflicts[item.observationID]?.contains(where: { $0.item.signature.validator == validator && $0.item.digest == item.digest }) ?? false {
            return true
        }
        guard parkedConflictCount < configuration.maxParkedConflicts else { return false }
        parkedConflicts[item.observationID, default: []].append(
            ParkedConflict(item: item, firstDigest: first.digest, firstSignature: first.signature, atMilliseconds: now))
        return true
    }

    /// Conflicts held past the grace period whose first claim still stands: equivocation.
    mutating func expireParkedConflicts(now: UInt64) -> [Action] {
        var actions: [Action] = []
        for id in parkedConflicts.keys.sorted(by: { $0.description < $1.description }) {
            var kept: [ParkedConflict] = []
            for conflict in parkedConflicts[id] ?? [] {
                guard now &- conflict.atMilliseconds >= configuration.resignGraceMilliseconds else {
                    kept.append(conflict)
                    continue
                }
                let validator = conflict.item.signature.validator
                guard let claim = claims[id]?[validator], claim.digest == conflict.firstDigest,
                      !(equivocators[id]?.contains(validator) ?? false)
                else { continue }
                actions += equivocation(conflict.item, first: claim, now: now)
            }
            parkedConflicts[id] = kept.isEmpty ? nil : kept
        }
        return actions
    }
}
