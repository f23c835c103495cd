// SPDX-License-Identifier: Apache-2.0
public import BridgeCore

/// Hold-and-verify: which unverified peer signatures are worth an ECDSA recovery.
///
/// When every validator signs, the submission set is the Q(N) lowest addresses of the current
/// set, so a signature from a higher address ends up unused unless a lower one is missing. Such a
/// signature for a digest we observed waits `verificationHoldMilliseconds` unrecovered; it is
/// dropped as soon as the digest's set is complete without it, and recovered when the hold ends
/// otherwise. Everything else (ids we have not observed, another digest — possible evidence of
/// equivocation —, the lowest addresses) is recovered at once. Nothing counts before it is
/// recovered: the pool only emits `verifySignatures`, and the caller feeds the signatures that
/// recover back through `receive(_:atMilliseconds:)`.
extension AttestationPool {
    struct HeldSignature: Sendable {
        var item: SignedObservation
        var untilMilliseconds: UInt64
    }

    enum VerificationDecision { case verifyNow, hold, drop }

    /// Peer signatures whose sender the gossip layer authenticated but whose own signatures it did not recover.
    public mutating func receive(unverified items: [SignedObservation], atMilliseconds now: UInt64) -> [Action] {
        var verify: [SignedObservation] = []
        for item in items {
            switch verificationDecision(for: item) {
            case .drop: continue
            case .verifyNow: verify.append(item)
            case .hold:
                if !hold(item, until: now &+ configuration.verificationHoldMilliseconds) { verify.append(item) }
            }
        }
        return verify.isEmpty ? [] : [.verifySignatures(verify)]
    }

    func verificationDecision(for item: SignedObservation) -> VerificationDecision {
        let validator = item.signature.validator
        let key = DigestKey(item.digest)
        guard !finalDigests.contains(key), validators.contains(validator),
              !(equivocators[item.observationID]?.contains(validator) ?? false)
        else { return .drop }
        guard observedDigests[item.observationID] == item.digest, let entry = entries[key], entry.own != nil,
              entry.profile == item.profile
        else { return .verifyNow }
        // Counted already (a repeat): `absorb` would ignore it too.
        if entry.signatures[validator] != nil { return .drop }
        // The validator signed another digest for this id: this one is evidence, found as before.
        if let claim = claims[item.observationID]?[validator], claim.digest != item.digest { return .verifyNow }
        if let quorum = entry.quorum, !Self.improves(quorum, validator) { return .drop }
        let required = validators.quorum(entry.profile)
        guard configuration.verificationHoldMilliseconds > 0,
              let rank = validators.addresses.firstIndex(of: validator), rank >= required
        else { return .verifyNow }
        return .hold
    }

    /// True when `validator`'s signature would change the submission set of `quorum` (it sorts before its last member).
    static func improves(_ quorum: QuorumRecord, _ validator: [UInt8]) -> Bool {
        guard let last = quorum.submissionSet.last?.validator else { return true }
        return validator.lexicographicallyPrecedes(last) && !quorum.submissionSet.contains { $0.validator == validator }
    }

    /// Holds `item` (one per validator and digest); false when the cap is reached.
    private mutating func hold(_ item: SignedObservation, until: UInt64) -> Bool {
        let key = DigestKey(item.digest)
        let validator = item.signature.validator
        if heldSignatures[key]?[validator] != nil { return true }
        guard heldSignatureCount < configuration.maxHeldSignatures else { return false }
        heldSignatures[key, default: .init()][validator] = HeldSignature(item: item, untilMilliseconds: until)
        heldSignatureCount += 1
        return true
    }

    /// Held signatures of `key` that can no longer count are dropped (after quorum or when it leaves memory).
    mutating func dropUselessHeldSignatures(_ key: DigestKey) {
        guard let table = heldSignatures[key] else { return }
        var kept = AddressOrderedTable<HeldSignature>()
        for entry in table.entries where verificationDecision(for: entry.value.item) != .drop { kept[entry.validator] = entry.value }
        heldSignatureCount -= table.count - kept.count
        heldSignatures[key] = kept.count == 0 ? nil : kept
    }

    /// Held signatures whose hold ended and that may still count: to recover now.
    mutating func releaseHeldSignatures(now: UInt64) -> [Action] {
        var verify: [SignedObservation] = []
        for key in heldSignatures.keys.sorted() {
            guard let table = heldSignatures[key] else { continue }
            var kept = AddressOrderedTable<HeldSignature>()
            for entry in table.entries {
                if verificationDecision(for: entry.value.item) == .drop { continue }
                if now >= entry.value.untilMilliseconds { verify.append(entry.value.item) } else { kept[entry.validator] = entry.value }
            }
            heldSignatureCount -= table.count - kept.count
            heldSignatures[key] = kept.count == 0 ? nil : kept
        }
        return verify.isEmpty ? [] : [.verifySignatures(verify)]
    }
}
