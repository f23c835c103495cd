// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import CoreMetrics
import Logging

extension Aggregator {
    /// Rebuilds the pool from the store after a restart and asks peers for quorum sets we missed.
    public func restore() async throws {
        let state = try await repository.restoreAttestationState()
        let now = clock.nowMilliseconds
        for evidence in state.evidence { pool.restore(evidence: evidence) }
        let me = signer.validatorAddress
        let own = Dictionary(
            state.signatures.filter { $0.signature.validator == me }.map { ($0.digest, $0) },
            uniquingKeysWith: { first, _ in first })
        // A digest we signed that is no longer its transfer's digest was replaced by a re-sign
        // (§2.7): late signatures of it must neither count nor look like equivocation.
        let current = Set(state.signing.map { DigestKey($0.digest) })
        for item in state.signatures where item.signature.validator == me && !current.contains(DigestKey(item.digest)) {
            pool.retire(item.digest)
        }
        var actions: [AttestationPool.Action] = []
        for observation in state.signing {
            guard let signature = own[observation.digest] else { continue }
            actions += pool.observe(signature, atMilliseconds: observation.updatedAtMilliseconds, broadcast: true)
        }
        actions += pool.receive(state.signatures.filter { $0.signature.validator != me }, atMilliseconds: now)
        // Everything restored is already stored.
        await perform(actions.filter { if case .persistSignatures = $0 { false } else { true } })
        logger.info("Restored attestation state", metadata: ["pending": "\(pool.entryCount)", "signing": "\(state.signing.count)"])
        catchUpSince = state.lastQuorumMilliseconds > configuration.catchUpMarginMilliseconds
            ? state.lastQuorumMilliseconds - configuration.catchUpMarginMilliseconds : 0
        await catchUp()
    }

    /// Asks peers over the stream protocol for quorum sets reached since the last one we stored
    /// before the restart (repeated a few times by `run()`, as connections come up after start).
    public func catchUp() async {
        let missed = await gossip.fetchMissedAttestations(sinceMilliseconds: catchUpSince)
        metrics.catchUpAttestations.increment(by: missed.count)
        if !missed.isEmpty { await perform(pool.receive(attestations: missed, atMilliseconds: clock.nowMilliseconds)) }
    }

    /// Signs up to one batch of `observed` rows (those the governor lets through), stores the signatures (`observed` → `signing`) and
    /// queues them for gossip. Returns how many rows were read.
    @discardableResult
    public func signPending() async throws -> Int {
        // A key outside the current set signs nothing (its signatures would count nowhere); the
        // rows stay `observed` and are signed once the set includes this validator.
        let member = pool.validators.contains(signer.validatorAddress)
        metrics.member.record(member ? 1 : 0)
        if member != wasMember {
            wasMember = member
            if !member {
                logger.warning("This validator's key is not in the current validator set: observing, not signing", metadata: [
                    "validator.address": "\(Hex.encode(signer.validatorAddress))", "validators.count": "\(pool.validators.addresses.count)",
                ])
            }
        }
        guard member else { return 0 }
        if let governor { try await releaseDueTransfers(governor) }
        let rows = try await repository.observationsAwaitingSignature(limit: configuration.signingBatchSize)
        guard !rows.isEmpty else { return 0 }
        // The governor holds back what would exceed its limits (stored `delayed`, signed on release).
        var toSign = rows
        if let governor { toSign = try await governed(rows, by: governor) }
        var signed: [SignedObservation] = []
        signed.reserveCapacity(toSign.count)
        // Hashing and signing a round (up to `signingBatchSize`) runs off the cooperative pool.
        for outcome in await crypto.signing(toSign, with: signer, hashing: hashing) {
            switch outcome {
            case .signed(let item):
                signed.append(item)
            case .digestMismatch(let id):
                metrics.digestMismatches.increment()
                logger.error("Stored digest does not match the message; not signing", metadata: ["transfer.id": "\(id)"])
            case .failed(let id, let error):
                metrics.signingErrors.increment()
                logger.error("Signing failed", metadata: ["transfer.id": "\(id)", "error": "\(error)"])
            }
        }
        let now = clock.nowMilliseconds
        if !signed.isEmpty {
            // Our signatures are durable before anything is gossiped: a failure here ends the round.
            let failures = try await repository.apply([.ownSignatures(signed)], atMilliseconds: now)
            if let failure = failures.first { throw failure }
        }
        metrics.signed.increment(by: signed.count)
        var actions: [AttestationPool.Action] = []
        for item in signed { actions += pool.observe(item, atMilliseconds: now) }
        await perform(actions)
        return rows.count
    }

    /// Applies one validated inbound gossip message.
    public func handle(_ message: InboundGossip) async {
        let now = clock.nowMilliseconds
        switch message {
        case .signatures(let items):
            metrics.receivedSignatures.increment(by: items.count)
            await perform(pool.receive(items, atMilliseconds: now))
        case .unverifiedSignatures(let items):
            metrics.receivedSignatures.increment(by: items.count)
            await perform(pool.receive(unverified: items, atMilliseconds: now))
        case .attestations(let sets):
            await perform(pool.receive(attestations: sets, atMilliseconds: now))
        case .observationRequest(let id, _):
            await perform(pool.receiveObservationRequest(id, atMilliseconds: now))
        case .heartbeat(let heartbeat):
            // First heartbeat from this validator since we started, or after a silence: it may
            // have missed (or ignored, unbound) what we published meanwhile.
            let last = lastHeartbeatMilliseconds.updateValue(now, forKey: heartbeat.validator)
            let rejoined = last.map({ now &- $0 > Self.rejoinSilenceMilliseconds }) ?? true
            await perform(rejoined ? pool.ownSignaturesAwaitingQuorum() : [], extraWrites: [.heartbeat(heartbeat)])
        }
    }

    /// Advances retry/give-up timers and flushes queued gossip.
    public func tick() async {
        await perform(pool.tick(atMilliseconds: clock.nowMilliseconds))
        metrics.pending.record(pool.entryCount)
        await flush()
    }

    /// Sends everything queued for gossip (the 1 s / cap batching of Wormhole's processor).
    public func flush() async {
        if !outboundSignatures.isEmpty {
            let batch = outboundSignatures
            outboundSignatures = []
            await gossip.publish(signatures: batch)
        }
        if !outboundAttestations.isEmpty {
            let batch = outboundAttestations
            outboundAttestations = []
            await gossip.publish(attestations: batch)
        }
        if !outboundRequests.isEmpty {
            let batch = outboundRequests
            outboundRequests = []
            await gossip.publish(observationRequests: batch)
        }
    }
}
