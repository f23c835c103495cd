// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import CoreMetrics

/// Brings Koinos → Ethereum signatures between validators: publishes this node's own signatures
/// and hands peers' signatures to `KoinosLockSigner.collect`, which counts only those recovering
/// to distinct current Ethereum-contract validators and stores the submission set at Q(N).
///
/// A peer's signature is collected only for a lock this node observed itself with the same digest.
/// For a lock not observed yet it is held again in the gossip layer's bounded inbox (taken again
/// next round; the oldest are dropped and counted when full); for a lock this node knows with
/// another digest (another expiration, or a rejected lock) it is dropped and counted.
public struct KoinosSignatureExchange: Sendable {
    public let gossip: any KoinosSignatureGossip
    public let signer: KoinosLockSigner
    /// Which digests to ask peers for (`catchUp`).
    let catchUpState: KoinosCatchUpState
    let metrics = KoinosSignatureExchangeMetrics()

    /// Also installs this node's answer to the peers' catch-up requests: its own signature of each
    /// digest asked for, read from the store (`KoinosSignatureExchange+CatchUp.swift`).
    public init(gossip: any KoinosSignatureGossip, signer: KoinosLockSigner, schedule: KoinosCatchUpSchedule = .init()) {
        self.gossip = gossip
        self.signer = signer
        self.catchUpState = KoinosCatchUpState(schedule)
        gossip.serveKoinosSignatures { [signer] digests in await Self.ownSignatures(of: digests, signer: signer) }
    }

    /// Publishes the signatures `signPending` just made.
    public func publish(_ signed: [KoinosLockSigner.Signed]) async throws {
        var outbound = [GossipedKoinosSignature]()
        for case .signed(let id, let digest, let signature) in signed {
            outbound.append(GossipedKoinosSignature(lock: id, digest: digest, signature: signature, sender: []))
        }
        guard !outbound.isEmpty else { return }
        await gossip.publish(koinosSignatures: outbound)
    }

    /// Publishes again this node's own signature of every lock not completed yet (`signing`,
    /// `quorum`, `submitted`; newest first, at most `limit` per status): gossip is pushed once, so a
    /// peer that was not connected, or whose inbox dropped it, gets it on the next re-publication
    /// (the fallback behind `catchUp`, for locks the catch-up gave up on and peers without it).
    /// The receivers' per-validator item budget bounds what this costs them. Returns the count.
    @discardableResult
    public func republishOwn(limit: Int = 200) async throws -> Int {
        var outbound = [GossipedKoinosSignature]()
        for status in [AttestationStatus.signing, .quorum, .submitted] {
            for lock in try await signer.store.koinosLocks(status: status, limit: limit) {
                guard let digest = lock.digest,
                      let own = lock.signatures.first(where: { $0.validator == signer.ethereumAddress && $0.digest == digest })
                else { continue }
                outbound.append(GossipedKoinosSignature(lock: lock.id, digest: digest, signature: own.signature, sender: []))
            }
        }
        if !outbound.isEmpty { await gossip.publish(koinosSignatures: outbound) }
        return outbound.count
    }

    /// Collects the peers' signatures received since the last call against `validators` (the
    /// Ethereum contract's current set); returns the locks that reached quorum through them.
    public func collectReceived(validators: [[UInt8]]) async throws -> [KoinosLockID] {
        let received = gossip.takeKoinosSignatures()
        guard !received.isEmpty else { return [] }
        var groups = [KoinosLockID: [[UInt8]: [GossipedKoinosSignature]]]()
        for item in received { groups[item.lock, default: [:]][item.digest, default: []].append(item) }
        var reached = [KoinosLockID]()
        var unobserved = [GossipedKoinosSignature]()
        for (id, byDigest) in groups.sorted(by: { $0.key < $1.key }) {
            guard let lock = try await signer.store.koinosLock(id) else {
                unobserved += byDigest.values.flatMap { $0 }
                continue
            }
            for (digest, items) in byDigest {
                guard lock.digest == digest else {
                    metrics.dropped(.otherDigest, count: items.count)
                    continue
                }
                let outcome = try await signer.collect(id, digest: digest, received: items.map(\.signature), validators: validators)
                metrics.dropped(.refused, count: outcome.refused.filter { r in items.contains { $0.signature == r.signature } }.count)
                if outcome.submission != nil, ["observed", "signing"].contains(lock.status) { reached.append(id) }
            }
        }
        if !unobserved.isEmpty { gossip.holdKoinosSignatures(unobserved) }
        return reached
    }
}
