// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import Synchronization

/// Catch-up over `/koinos/bridge/1.0.0` (H2). A request is signed for one responder (its peer id)
/// with a fresh nonce and dated by the envelope timestamp; the responder answers only the
/// validator bound by heartbeat to the asking peer, once per nonce, within ± the catch-up window,
/// at the validator's (not the peer id's) rate; the asker keeps a bounded number of bytes.
extension BridgeGossipEndpoint {
    /// Asks peers for quorum sets reached since `sinceMilliseconds`: the peers bound to validators
    /// when we know any (else every connected peer: right after a restart no heartbeat has arrived
    /// yet), one after the other, each answer validated like gossip as soon as it arrives (no
    /// binding needed: every member signature is checked) and capped in bytes, as are all answers.
    public func fetchMissedAttestations(sinceMilliseconds: UInt64) async -> [SignatureSet] {
        let connected = await transport.connectedPeers()
        let validatorPeers = state.withLock { Set($0.bindings.values.map(\.peer)) }
        let bound = connected.filter(validatorPeers.contains)
        var sets: [SignatureSet] = []
        var seen: Set<[UInt8]> = []
        var keptBytes = 0
        for peer in bound.isEmpty ? connected : bound where peer != transport.localPeerID {
            let budget = min(configuration.maxCatchUpResponseBytes, configuration.maxCatchUpTotalBytes - keptBytes)
            guard budget > 0 else { break }
            let nonce = (0..<16).map { _ in UInt8.random(in: .min ... .max) }
            let limit = UInt64(configuration.maxCatchUpAttestations)
            guard let request = seal(.catchUpRequest(sinceMilliseconds: sinceMilliseconds, limit: limit, nonce: nonce, responder: peer)),
                  let messages = await transport.request(request, to: peer, maxBytes: budget)
            else { continue }
            keptBytes += messages.reduce(0) { $0 + $1.count }
            for message in messages {
                let result = validate(message, from: peer, requireBinding: false)
                record(result, yield: false)
                for case .attestations(let batch) in result.inbound ?? [] {
                    for set in batch where seen.insert(set.digest).inserted { sets.append(set) }
                }
            }
        }
        return sets
    }

    /// Serves a catch-up request from `peer`; returns the envelopes to write back (empty when refused).
    public func answerCatchUp(_ request: [UInt8], from peer: String) async -> [[UInt8]] {
        if request.count <= 1024, let envelope = try? BridgeEnvelope(decoding: request), envelope.kind == .koinosSignatureRequest {
            return await answerKoinosSignatureRequest(request, from: peer)
        }
        let verdict = admitCatchUp(request, from: peer)
        record(verdict)
        guard case .accept(let since, let limit) = verdict, let attestationSource else { return [] }
        let sets = await attestationSource(since, Int(min(limit, UInt64(configuration.maxCatchUpAttestations))))
        var answer: [[UInt8]] = []
        var bytes = 0
        for chunk in chunks(sets, size: configuration.maxAttestationsPerMessage) {
            guard let envelope = seal(.attestations(chunk)) else { continue }
            guard bytes + envelope.count <= configuration.maxCatchUpResponseBytes else { break }
            bytes += envelope.count
            answer.append(envelope)
        }
        return answer
    }

    /// The request's checks, cheapest first: shape, addressed to us, inside the window, sender in
    /// the set and bound to `peer`, validator rate limit, signature, then the nonce (remembered).
    func admitCatchUp(_ request: [UInt8], from peer: String) -> CatchUpAdmission {
        guard request.count <= 1024, let envelope = try? BridgeEnvelope(decoding: request), envelope.kind == .catchUpRequest,
              envelope.version == BridgeEnvelope.protocolVersion,
              case .catchUpRequest(let since, let limit, let nonce, let responder)? =
                try? BridgeMessage.decode(kind: .catchUpRequest, body: envelope.body, validator: envelope.validator)
        else { return .reject(.malformed) }
        guard !nonce.isEmpty, !responder.isEmpty else { return .ignore(.unboundRequest) }
        guard nonce.count <= 64 else { return .reject(.malformed) }
        guard responder == transport.localPeerID else { return .ignore(.wrongResponder) }
        let now = clock.nowMilliseconds
        let window = configuration.catchUpRequestWindowMilliseconds
        guard envelope.timestampMilliseconds &+ window >= now, envelope.timestampMilliseconds <= now &+ window else {
            return .ignore(.timestampOutOfWindow)
        }
        let gate: CatchUpAdmission? = state.withLock { s in
            guard s.validators.contains(envelope.validator) else { return .ignore(.unknownValidator) }
            guard s.bindings[envelope.validator]?.peer == peer else { return .ignore(.unboundPeer) }
            let key = "validator:\(Hex.encode(envelope.validator))/catch-up"
            guard s.limiter.allow(key, limit: configuration.catchUpLimit, now: now) else { return .ignore(.rateLimited) }
            return nil
        }
        if let gate { return gate }
        guard verifier.recoverKoinosAddress(digest: envelope.signingDigest(hashing: hashing), signature: envelope.signature) == envelope.validator
        else { return .reject(.badEnvelopeSignature) }
        let admission = state.withLock {
            $0.catchUpNonces.admit(validator: envelope.validator, nonce: nonce, expiresAt: envelope.timestampMilliseconds &+ window, now: now)
        }
        switch admission {
        case .fresh: return .accept(since: since, limit: limit)
        case .replayed: return .ignore(.replayed)
        case .full: return .ignore(.nonceCacheFull)
        }
    }
}

/// The responder's verdict on one catch-up request.
enum CatchUpAdmission: Sendable, Hashable {
    case accept(since: UInt64, limit: UInt64)
    case ignore(BridgeValidationReason)
    case reject(BridgeValidationReason)
}
