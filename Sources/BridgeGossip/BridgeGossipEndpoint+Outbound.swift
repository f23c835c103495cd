// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import Synchronization
import CoreMetrics

extension BridgeGossipEndpoint {
    public func publish(signatures: [SignedObservation]) async {
        for chunk in chunks(signatures, size: configuration.maxBatchItems) {
            await send(.signedObservationBatch(chunk))
        }
    }

    public func publish(observationRequests: [ObservationID]) async {
        for chunk in chunks(observationRequests, size: configuration.maxRequestedObservations) {
            await send(.observationRequest(chunk))
        }
    }

    public func publish(attestations: [SignatureSet]) async {
        for chunk in chunks(attestations, size: configuration.maxAttestationsPerMessage) {
            await send(.attestations(chunk))
        }
    }

    /// Announces this node: binds our peer id to our validator key (send every 15 s).
    /// Publishes our heartbeat and returns it as peers will store it (gossipsub does not deliver
    /// our own messages back, so the caller records it for the node's own validator row).
    @discardableResult
    public func publishHeartbeat(ethereumCursor: UInt64) async -> ValidatorHeartbeat {
        await send(.heartbeat(peerID: transport.localPeerID, softwareVersion: configuration.softwareVersion, ethereumCursor: ethereumCursor))
        return ValidatorHeartbeat(
            validator: signer.validatorAddress, peerID: transport.localPeerID, softwareVersion: configuration.softwareVersion,
            ethereumCursor: ethereumCursor, timestampMilliseconds: clock.nowMilliseconds)
    }

    /// Asks peers over the stream protocol for quorum sets reached since `sinceMilliseconds`;
    /// every answer goes through the same validation as gossip (no heartbeat binding needed: a
    /// restarted node has none yet, and each member signature is checked anyway).
    public func fetchMissedAttestations(sinceMilliseconds: UInt64) async -> [SignatureSet] {
        guard let request = seal(.catchUpRequest(sinceMilliseconds: sinceMilliseconds, limit: UInt64(configuration.maxCatchUpAttestations))) else {
            return []
        }
        var sets: [SignatureSet] = []
        var seen: Set<[UInt8]> = []
        for response in await transport.request(request) {
            for message in response.messages.prefix(configuration.maxCatchUpAttestations / max(1, configuration.maxAttestationsPerMessage) + 1) {
                let result = validate(message, from: response.peer, requireBinding: false)
                record(result, yield: false)
                guard case .accept(let items) = result else { continue }
                for case .attestations(let batch) in items {
                    for set in batch where seen.insert(set.digest).inserted { sets.append(set) }
                }
            }
        }
        return sets
    }

    /// Serves a catch-up request from `peer`; returns the envelopes to write back (empty when refused).
    public func answerCatchUp(_ request: [UInt8], from peer: String) async -> [[UInt8]] {
        guard request.count <= 1024, let envelope = try? BridgeEnvelope(decoding: request), envelope.kind == .catchUpRequest,
              case .catchUpRequest(let since, let limit)? = try? BridgeMessage.decode(kind: .catchUpRequest, body: envelope.body, validator: envelope.validator)
        else {
            record(.reject(.malformed))
            return []
        }
        let now = clock.nowMilliseconds
        let allowed = state.withLock { s in
            s.validators.contains(envelope.validator)
                && s.limiter.allow("\(peer)/\(BridgeMessageKind.catchUpRequest.rawValue)", limit: configuration.catchUpLimit, now: now)
        }
        guard allowed,
              verifier.recoverKoinosAddress(digest: envelope.signingDigest(hashing: hashing), signature: envelope.signature) == envelope.validator,
              let attestationSource
        else {
            record(.ignore(.unknownValidator))
            return []
        }
        let sets = await attestationSource(since, Int(min(limit, UInt64(configuration.maxCatchUpAttestations))))
        return chunks(sets, size: configuration.maxAttestationsPerMessage).compactMap { seal(.attestations($0)) }
    }

    func send(_ message: BridgeMessage) async {
        guard let bytes = seal(message) else { return }
        state.withLock {
            $0.publishedBytes += bytes.count
            $0.publishedMessages += 1
        }
        Counter(label: "bridge_gossip_published_bytes_total").increment(by: bytes.count)
        await transport.publish(bytes)
    }

    func seal(_ message: BridgeMessage) -> [UInt8]? {
        do {
            return try BridgeEnvelope.seal(message, signer: signer, timestampMilliseconds: clock.nowMilliseconds, hashing: hashing)
        } catch {
            Counter(label: "bridge_gossip_signing_errors_total").increment()
            return nil
        }
    }

    func chunks<T>(_ items: [T], size: Int) -> [[T]] {
        stride(from: 0, to: items.count, by: max(1, size)).map { Array(items[$0..<min($0 + max(1, size), items.count)]) }
    }
}
