// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import Synchronization

/// Catch-up of peers' Koinos → Ethereum signatures: gossip is pushed once, and the gossip layer's
/// inbox is bounded, so a node that observes a lock after its peers signed it (or whose inbox
/// dropped their signatures) asks the peers for them instead of waiting for their periodic
/// re-publication.
extension KoinosSignatureExchange {
    /// Asks the peers for their signatures of this node's signed locks still below quorum
    /// (`signing`, newest first, at most `limit`) when `KoinosCatchUpSchedule` says they are due;
    /// the answers join the inbound signatures (the next `collectReceived` counts them). Returns
    /// how many digests were asked for.
    @discardableResult
    public func catchUp(limit: Int = 64) async throws -> Int {
        let pending = try await signer.store.koinosDigestsAwaitingPeers(signedBy: signer.ethereumAddress, limit: limit)
        let now = signer.clock.nowMilliseconds
        // At most four requests of 16 digests per peer and round: the responders' burst (koinosCatchUpLimit).
        let due = catchUpState.schedule.withLock { $0.due(pending: pending, nowMs: now, limit: 64) }
        for start in stride(from: 0, to: due.count, by: 16) {
            _ = await gossip.requestKoinosSignatures(digests: Array(due[start..<min(start + 16, due.count)]))
        }
        return due.count
    }

    /// This node's own signatures of `digests` (what it answers a peer's catch-up request with).
    static func ownSignatures(of digests: [[UInt8]], signer: KoinosLockSigner) async -> [GossipedKoinosSignature] {
        var own: [GossipedKoinosSignature] = []
        for digest in digests {
            guard let stored = try? await signer.store.koinosSignatures(digest: digest) else { continue }
            for s in stored where s.validator == signer.ethereumAddress && s.digest == digest {
                own.append(GossipedKoinosSignature(lock: s.id, digest: digest, signature: s.signature, sender: []))
            }
        }
        return own
    }
}

/// The catch-up schedule shared by the copies of one exchange.
final class KoinosCatchUpState: Sendable {
    let schedule: Mutex<KoinosCatchUpSchedule>

    init(_ schedule: KoinosCatchUpSchedule) { self.schedule = Mutex(schedule) }
}
