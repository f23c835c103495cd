// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import Synchronization

extension BridgeGossipEndpoint {
    /// The validation pipeline, cheapest checks first; no signature is recovered for a message
    /// that fails a cheap check (floods from unbound peers cost a decode, not an ECDSA recovery).
    func validate(_ bytes: [UInt8], from peer: String, requireBinding: Bool) -> BridgeValidationResult {
        guard bytes.count <= configuration.maxMessageBytes else { return .reject(.oversize) }
        guard let envelope = try? BridgeEnvelope(decoding: bytes) else { return .reject(.malformed) }
        guard envelope.version == BridgeEnvelope.protocolVersion else { return .ignore(.unsupportedVersion) }
        let now = clock.nowMilliseconds
        let window = configuration.timestampWindowMilliseconds
        guard envelope.timestampMilliseconds &+ window >= now, envelope.timestampMilliseconds <= now &+ window else {
            return .ignore(.timestampOutOfWindow)
        }
        guard state.withLock({ $0.validators.contains(envelope.validator) }) else { return .ignore(.unknownValidator) }
        // The digest the validator signed is also the replay key (independent of the signature bytes).
        let digest = envelope.signingDigest(hashing: hashing)
        let replayKey = SeenEnvelopes.Key(digest)
        let gate: BridgeValidationResult? = state.withLock { s in
            guard s.validators.contains(envelope.validator) else { return .ignore(.unknownValidator) }
            // Replays and stale heartbeats are dropped before they spend the sender's token (L1).
            guard !s.seen.contains(replayKey, now: now) else { return .ignore(.replayed) }
            if envelope.kind == .heartbeat, let bound = s.bindings[envelope.validator], bound.timestamp > envelope.timestampMilliseconds {
                return .ignore(.staleHeartbeat)
            }
            if requireBinding, envelope.kind != .heartbeat, s.bindings[envelope.validator]?.peer != peer {
                return .ignore(.unboundPeer)
            }
            guard s.limiter.allow("\(peer)/\(envelope.kind.rawValue)", limit: configuration.limit(for: envelope.kind), now: now) else {
                return .ignore(.rateLimited)
            }
            return nil
        }
        if let gate { return gate }
        guard let message = try? BridgeMessage.decode(kind: envelope.kind, body: envelope.body, validator: envelope.validator) else {
            return .reject(.malformed)
        }
        guard verifier.recoverKoinosAddress(digest: digest, signature: envelope.signature) == envelope.validator
        else { return .reject(.badEnvelopeSignature) }
        state.withLock { $0.seen.insert(replayKey, expiresAt: envelope.timestampMilliseconds &+ window, now: now) }
        return validateBody(message, envelope: envelope, from: peer, budgeted: requireBinding)
    }

    /// `budgeted`: gossip spends the sender's item budget; catch-up answers we asked for do not.
    private func validateBody(_ message: BridgeMessage, envelope: BridgeEnvelope, from peer: String, budgeted: Bool) -> BridgeValidationResult {
        switch message {
        case .heartbeat(let peerID, let version, let cursor):
            guard peerID == peer else { return .reject(.peerMismatch) }
            let fresh = state.withLock { s -> Bool in
                if let bound = s.bindings[envelope.validator], bound.timestamp > envelope.timestampMilliseconds { return false }
                s.bindings[envelope.validator] = (peerID, envelope.timestampMilliseconds)
                return true
            }
            guard fresh else { return .ignore(.staleHeartbeat) }
            return .accept([.heartbeat(ValidatorHeartbeat(
                validator: envelope.validator, peerID: peerID, softwareVersion: version, ethereumCursor: cursor,
                timestampMilliseconds: envelope.timestampMilliseconds))])
        case .signedObservationBatch(let items):
            guard !items.isEmpty else { return .reject(.empty) }
            guard items.count <= configuration.maxBatchItems else { return .reject(.tooManyItems) }
            let wanted = items.filter { !(settled?.isSettled($0.digest, validator: envelope.validator) ?? false) }
            guard !budgeted || spendItems(wanted.count, of: envelope.validator) else { return .ignore(.itemRateLimited) }
            // Every item is the sender's own signature; an item naming another validator is malformed.
            if configuration.deferItemRecovery {
                guard wanted.allSatisfy({ $0.signature.validator == envelope.validator }) else { return .reject(.badItemSignature) }
                return relayed(items.map(\.digest), wanted.isEmpty ? [] : [.unverifiedSignatures(wanted)])
            }
            for item in wanted where verifier.recoverKoinosAddress(digest: item.digest, signature: item.signature.signature) != envelope.validator {
                return .reject(.badItemSignature)
            }
            return relayed(items.map(\.digest), wanted.isEmpty ? [] : [.signatures(wanted)])
        case .observationRequest(let ids):
            guard !ids.isEmpty else { return .reject(.empty) }
            guard ids.count <= configuration.maxRequestedObservations else { return .reject(.tooManyItems) }
            return .accept(ids.map { .observationRequest($0, requester: envelope.validator) })
        case .attestations(let sets):
            return validateAttestations(sets, from: envelope.validator, budgeted: budgeted)
        case .catchUpRequest, .koinosSignatureRequest:  // requests come over the catch-up stream, never the topic
            return .ignore(.unexpectedKind)
        case .adminProposal(let gossip):
            return validateAdminProposal(gossip, from: envelope.validator)
        case .koinosSignatures(let items):
            return validateKoinosSignatures(items, from: envelope.validator, budgeted: budgeted)
        }
    }

    private func validateAttestations(_ sets: [SignatureSet], from sender: [UInt8], budgeted: Bool) -> BridgeValidationResult {
        guard !sets.isEmpty else { return .reject(.empty) }
        guard sets.count <= configuration.maxAttestationsPerMessage else { return .reject(.tooManyItems) }
        let validators = state.withLock { $0.validators }
        var candidates: [SignatureSet] = []
        for set in sets {
            guard set.signatures.count <= max(validators.count, 1) else { return .reject(.tooManyItems) }
            guard Set(set.signatures.map(\.validator)).count == set.signatures.count else { return .reject(.malformed) }
            // Members outside our current set are dropped (sets can differ during a validator change),
            // and so are members that can no longer change our set for this digest (not verified).
            let members = set.signatures.filter {
                validators.contains($0.validator) && !(settled?.isSettled(set.digest, validator: $0.validator) ?? false)
            }
            if !members.isEmpty {
                candidates.append(SignatureSet(observationID: set.observationID, profile: set.profile, digest: set.digest, signatures: members))
            }
        }
        let recoveries = candidates.reduce(0) { $0 + $1.signatures.count }
        guard !budgeted || spendItems(recoveries, of: sender) else { return .ignore(.itemRateLimited) }
        for set in candidates {
            for member in set.signatures where verifier.recoverKoinosAddress(digest: set.digest, signature: member.signature) != member.validator {
                return .reject(.badItemSignature)
            }
        }
        return relayed(sets.map(\.digest), candidates.isEmpty ? [] : [.attestations(candidates)])
    }

    /// Takes `count` recoveries from the sender's per-validator budget (M4).
    private func spendItems(_ count: Int, of validator: [UInt8]) -> Bool {
        let now = clock.nowMilliseconds
        return state.withLock { $0.itemBudget.take(count, validator: validator, limit: configuration.itemLimit, now: now) }
    }

    /// Relayed when it concerns a digest we signed ourselves; otherwise only handed to the aggregator.
    private func relayed(_ digests: [[UInt8]], _ items: [InboundGossip]) -> BridgeValidationResult {
        let ours = state.withLock { s in digests.contains { s.ownDigests.contains($0) } }
        return ours ? .accept(items) : .acceptLocally(items)
    }
}
