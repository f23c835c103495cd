// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import Synchronization
import CoreMetrics

extension BridgeGossipEndpoint {
    public func publish(signatures: [SignedObservation]) async {
        // What we sign is what we observed: gossip about these digests is worth relaying.
        state.withLock { s in for item in signatures { s.ownDigests.insert(item.digest) } }
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

    /// Announces this node: binds our peer id to our validator key (the node sends one every 10 s).
    /// Publishes our heartbeat and returns it as peers will store it (gossipsub does not deliver
    /// our own messages back, so the caller records it for the node's own validator row).
    @discardableResult
    public func publishHeartbeat(ethereumCursor: UInt64) async -> ValidatorHeartbeat {
        await send(.heartbeat(peerID: transport.localPeerID, softwareVersion: configuration.softwareVersion, ethereumCursor: ethereumCursor))
        return ValidatorHeartbeat(
            validator: signer.validatorAddress, peerID: transport.localPeerID, softwareVersion: configuration.softwareVersion,
            ethereumCursor: ethereumCursor, timestampMilliseconds: clock.nowMilliseconds)
    }

    func send(_ message: BridgeMessage) async {
        guard let bytes = seal(message) else { return }
        state.withLock {
            $0.publishedBytes += bytes.count
            $0.publishedMessages += 1
        }
        metrics.publishedBytes.increment(by: bytes.count)
        await transport.publish(bytes)
    }

    func seal(_ message: BridgeMessage) -> [UInt8]? {
        do {
            return try BridgeEnvelope.seal(message, signer: signer, timestampMilliseconds: clock.nowMilliseconds, hashing: hashing)
        } catch {
            metrics.signingErrors.increment()
            return nil
        }
    }

    func chunks<T>(_ items: [T], size: Int) -> [[T]] {
        stride(from: 0, to: items.count, by: max(1, size)).map { Array(items[$0..<min($0 + max(1, size), items.count)]) }
    }
}
