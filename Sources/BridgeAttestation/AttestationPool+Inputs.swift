// SPDX-License-Identifier: Apache-2.0
public import BridgeCore

extension AttestationPool {
    /// Our own observation and signature. `broadcast` is false only when nothing should be sent.
    public mutating func observe(_ own: SignedObservation, atMilliseconds now: UInt64, broadcast: Bool = true) -> [Action] {
        let key = DigestKey(own.digest)
        guard !finalDigests.contains(key) else { return [] }
        var entry = entries[key]
            ?? Entry(observationID: own.observationID, profile: own.profile, digest: own.digest, firstSeenMilliseconds: now)
        guard entry.own == nil, entry.observationID == own.observationID else { return [] }
        // Our store signs a second digest for an id only after an honoured re-sign request.
        var reclaimed: [SignedObservation] = []
        if let previous = observedDigests[own.observationID], previous != own.digest {
            reclaimed = supersede(own.observationID, old: previous, new: own.digest)
        }
        entry.own = own
        entry.profile = own.profile
        entry.observedAtMilliseconds = now
        entry.nextRetryAtMilliseconds = now &+ configuration.firstRetryAfterMilliseconds
        let validator = own.signature.validator
        if let claim = claims[own.observationID]?[validator], claim.digest != own.digest { return [] }
        claims[own.observationID, default: .init()][validator] = (own.digest, own.signature.signature)
        entry.signatures[validator] = own.signature.signature
        entries[key] = entry
        observedDigests[own.observationID] = own.digest
        var actions: [Action] = broadcast ? [.broadcastSignatures([own])] : []
        // What peers signed before our watcher saw the lock now counts (and is persisted), except
        // a signer that turned out to equivocate among them.
        var evidence: [Action] = []
        var absorbed: [SignedObservation] = []
        for item in unobserved.take(own.observationID) + reclaimed where absorb(item, now: now, actions: &evidence) {
            absorbed.append(item)
        }
        absorbed.removeAll { equivocators[own.observationID]?.contains($0.signature.validator) ?? false }
        if !absorbed.isEmpty { actions.append(.persistSignatures(absorbed)) }
        actions += evidence
        actions += checkQuorum(key, now: now)
        return actions
    }

    /// Verified signatures from peers (batches or the members of gossiped attestations).
    public mutating func receive(_ signatures: [SignedObservation], atMilliseconds now: UInt64) -> [Action] {
        var accepted: [SignedObservation] = []
        var actions: [Action] = []
        var touched: Set<DigestKey> = []
        for item in signatures {
            let outcome = absorb(item, now: now, actions: &actions)
            if outcome {
                accepted.append(item)
                touched.insert(DigestKey(item.digest))
            }
        }
        if !accepted.isEmpty { actions.insert(.persistSignatures(accepted), at: 0) }
        for key in touched.sorted() {
            actions += checkQuorum(key, now: now)
        }
        return actions
    }

    /// Verified quorum sets from peers: their members are absorbed like any other signature.
    public mutating func receive(attestations: [SignatureSet], atMilliseconds now: UInt64) -> [Action] {
        let flattened = attestations.filter { !isFinal($0.digest) }.flatMap { set in
            set.signatures.map {
                SignedObservation(observationID: set.observationID, profile: set.profile, digest: set.digest, signature: $0)
            }
        }
        return receive(flattened, atMilliseconds: now)
    }

    /// A peer asks everyone to re-observe `id`.
    public mutating func receiveObservationRequest(_ id: ObservationID, atMilliseconds now: UInt64) -> [Action] {
        if let last = answeredRequests[id], now &- last < Self.requestDedupMilliseconds { return [] }
        answeredRequests[id] = now
        let ours = entries.values.filter { $0.observationID == id && $0.own != nil }
        guard !ours.isEmpty else { return [.reobserveLocally(id)] }
        var actions: [Action] = []
        for entry in ours {
            if let quorum = entry.quorum {
                actions.append(.broadcastAttestations([
                    SignatureSet(observationID: id, profile: entry.profile, digest: entry.digest, signatures: quorum.submissionSet)
                ]))
            } else if let own = entry.own {
                actions.append(.broadcastSignatures([own]))
            }
        }
        return actions
    }

    /// Evidence loaded from the store after a restart: the validator stays excluded for that observation.
    public mutating func restore(evidence: EquivocationEvidence) {
        equivocators[evidence.observationID, default: []].insert(evidence.validator)
        for digest in [evidence.firstDigest, evidence.secondDigest] {
            entries[DigestKey(digest)]?.signatures[evidence.validator] = nil
        }
    }

    /// Adds one verified peer signature; true when it now counts (to persist). Signatures for ids
    /// we have not observed are only held; for an id we observed, a signature over another digest
    /// is not kept but remembered as the validator's claim (equivocation if it also signs ours).
    private mutating func absorb(_ item: SignedObservation, now: UInt64, actions: inout [Action]) -> Bool {
        let validator = item.signature.validator
        guard !finalDigests.contains(DigestKey(item.digest)), validators.contains(validator),
              !(equivocators[item.observationID]?.contains(validator) ?? false)
        else { return false }
        guard let ours = observedDigests[item.observationID] else {
            _ = unobserved.hold(item, now: now)
            return false
        }
        if let claim = claims[item.observationID]?[validator] {
            if claim.digest != item.digest, !park(item, first: claim, now: now) { actions += equivocation(item, first: claim, now: now) }
            return false
        }
        claims[item.observationID, default: .init()][validator] = (item.digest, item.signature.signature)
        let key = DigestKey(ours)
        let counts = entries[key].map { $0.profile == item.profile && $0.signatures[validator] == nil } ?? false
        guard item.digest == ours, counts else { return false }
        // In place (a copy of the entry held here would copy its signatures on write).
        entries[key]?.signatures[validator] = item.signature.signature
        return true
    }

    mutating func equivocation(
        _ item: SignedObservation, first: (digest: [UInt8], signature: [UInt8]), now: UInt64
    ) -> [Action] {
        let validator = item.signature.validator
        // Evidence only for ids we observed (callers check), and a bounded number of them.
        guard equivocators[item.observationID] != nil || equivocators.count < configuration.maxEquivocationIDs else { return [] }
        equivocators[item.observationID, default: []].insert(validator)
        var actions: [Action] = [
            .recordEvidence(EquivocationEvidence(
                validator: validator, observationID: item.observationID, firstDigest: first.digest,
                firstSignature: first.signature, secondDigest: item.digest, secondSignature: item.signature.signature))
        ]
        let key = DigestKey(first.digest)
        guard entries[key] != nil else { return actions }
        entries[key]?.signatures[validator] = nil
        guard let entry = entries[key] else { return actions }
        if let quorum = entry.quorum, quorum.submissionSet.contains(where: { $0.validator == validator }) {
            if let replacement = quorumRecord(for: entry) {
                entries[key]?.quorum = replacement
                actions.append(.markQuorum(replacement))
            } else {
                entries[key]?.quorum = nil
                entries[key]?.quorumAtMilliseconds = nil
                actions.append(.revokeQuorum(item.observationID, digest: first.digest))
            }
        }
        return actions
    }
}
