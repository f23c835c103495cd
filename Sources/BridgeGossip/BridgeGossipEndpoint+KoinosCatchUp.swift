// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import Primitives
import Synchronization

/// Catch-up for Koinos → Ethereum signatures (kind 7 over `/koinos/bridge/1.0.0`): a node whose
/// lock is still below quorum asks each peer bound to a validator for that validator's own
/// signatures of the lock's digest. The request is guarded like the attestation catch-up: signed
/// for one responder with a fresh nonce, answered only for the validator bound to the asking
/// peer, once per nonce, within ± the catch-up window, at the validator's rate
/// (`koinosCatchUpLimit`), at most `maxKoinosCatchUpDigests` digests. The answer is ordinary
/// kind-6 envelopes, so each signature is checked to be the responder's own, and kept only for the
/// digests asked for.
extension BridgeGossipEndpoint {
    public func serveKoinosSignatures(_ source: @escaping @Sendable ([[UInt8]]) async -> [GossipedKoinosSignature]) {
        state.withLock { $0.koinosSignatureSource = source }
    }

    public func requestKoinosSignatures(digests: [[UInt8]]) async -> Int {
        let wanted = Array(Set(digests.filter { $0.count == 32 }).prefix(configuration.maxKoinosCatchUpDigests))
        guard !wanted.isEmpty else { return 0 }
        let wantedSet = Set(wanted)
        let connected = await transport.connectedPeers()
        let bound = state.withLock { Set($0.bindings.values.map(\.peer)) }
        var accepted = 0
        var keptBytes = 0
        for peer in connected where bound.contains(peer) && peer != transport.localPeerID {
            let budget = min(configuration.maxCatchUpResponseBytes, configuration.maxCatchUpTotalBytes - keptBytes)
            guard budget > 0 else { break }
            let nonce = (0..<16).map { _ in UInt8.random(in: .min ... .max) }
            guard let request = seal(.koinosSignatureRequest(digests: wanted, nonce: nonce, responder: peer)),
                  let messages = await transport.request(request, to: peer, maxBytes: budget)
            else { continue }
            keptBytes += messages.reduce(0) { $0 + $1.count }
            for message in messages {
                // Only signatures of the digests asked for: an answer cannot fill the inbox with others.
                guard let envelope = try? BridgeEnvelope(decoding: message), envelope.kind == .koinosSignatures,
                      let items = try? KoinosSignatureWire.decode(envelope.body, sender: envelope.validator),
                      items.allSatisfy({ wantedSet.contains($0.digest) })
                else {
                    record(.ignore(.unexpectedKind), yield: false, prefix: "koinos_catch_up.")
                    continue
                }
                let result = validate(message, from: peer, requireBinding: false)
                if result.inbound != nil {  // accepted (relayable or not): held with the inbound signatures
                    record(.accept([]), yield: false, prefix: "koinos_catch_up.", acceptKey: "received")
                    accepted += items.count
                } else {
                    record(result, yield: false, prefix: "koinos_catch_up.")
                }
            }
        }
        return accepted
    }

    /// Serves a request from `peer`: our own signatures of the digests it names, as kind-6 envelopes.
    func answerKoinosSignatureRequest(_ request: [UInt8], from peer: String) async -> [[UInt8]] {
        let verdict = admitKoinosSignatureRequest(request, from: peer)
        switch verdict {
        case .accepted: record(.accept([]), yield: false, prefix: "koinos_catch_up.", acceptKey: "answered")
        case .refused(let result): record(result, yield: false, prefix: "koinos_catch_up.")
        }
        guard case .accepted(let digests) = verdict, let source = state.withLock({ $0.koinosSignatureSource }) else { return [] }
        let own = await source(digests).filter { digests.contains($0.digest) }
        var answer: [[UInt8]] = []
        var bytes = 0
        for chunk in chunks(own, size: configuration.maxBatchItems) {
            guard let envelope = seal(.koinosSignatures(chunk)) else { continue }
            guard bytes + envelope.count <= configuration.maxCatchUpResponseBytes else { break }
            bytes += envelope.count
            answer.append(envelope)
        }
        return answer
    }

    enum KoinosRequestAdmission {
        case accepted([[UInt8]])
        case refused(BridgeValidationResult)
    }

    /// The request's checks, cheapest first: shape, addressed to us, inside the window, sender in
    /// the set and bound to `peer`, validator rate limit, signature, then the nonce (remembered).
    func admitKoinosSignatureRequest(_ request: [UInt8], from peer: String) -> KoinosRequestAdmission {
        guard let envelope = try? BridgeEnvelope(decoding: request), envelope.version == BridgeEnvelope.protocolVersion,
              case .koinosSignatureRequest(let digests, let nonce, let responder)? =
                try? BridgeMessage.decode(kind: .koinosSignatureRequest, body: envelope.body, validator: envelope.validator)
        else { return .refused(.reject(.malformed)) }
        guard !digests.isEmpty else { return .refused(.reject(.empty)) }
        guard digests.count <= configuration.maxKoinosCatchUpDigests else { return .refused(.reject(.tooManyItems)) }
        guard !nonce.isEmpty, nonce.count <= 64 else { return .refused(.reject(.malformed)) }
        guard responder == transport.localPeerID else { return .refused(.ignore(.wrongResponder)) }
        let now = clock.nowMilliseconds
        let window = configuration.catchUpRequestWindowMilliseconds
        guard envelope.timestampMilliseconds &+ window >= now, envelope.timestampMilliseconds <= now &+ window else {
            return .refused(.ignore(.timestampOutOfWindow))
        }
        let gate: BridgeValidationResult? = state.withLock { s in
            guard s.validators.contains(envelope.validator) else { return .ignore(.unknownValidator) }
            guard s.bindings[envelope.validator]?.peer == peer else { return .ignore(.unboundPeer) }
            let key = "validator:\(Hex.encode(envelope.validator))/koinos-catch-up"
            guard s.limiter.allow(key, limit: configuration.koinosCatchUpLimit, now: now) else { return .ignore(.rateLimited) }
            return nil
        }
        if let gate { return .refused(gate) }
        guard verifier.recoverKoinosAddress(digest: envelope.signingDigest(hashing: hashing), signature: envelope.signature) == envelope.validator
        else { return .refused(.reject(.badEnvelopeSignature)) }
        let admission = state.withLock {
            $0.catchUpNonces.admit(validator: envelope.validator, nonce: nonce, expiresAt: envelope.timestampMilliseconds &+ window, now: now)
        }
        switch admission {
        case .fresh: return .accepted(digests)
        case .replayed: return .refused(.ignore(.replayed))
        case .full: return .refused(.ignore(.nonceCacheFull))
        }
    }
}
