// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import CoreMetrics
import Synchronization

/// Koinos → Ethereum signatures on the bridge topic (kind 6). Inbound: the usual envelope checks
/// (sender bound and in the set, envelope signature, per-peer rate limit), then every item must be
/// signed by the envelope's own validator key (its Koinos address recovered from the Ethereum
/// signature; a validator never forwards another key's signature), spending the sender's item
/// budget. Accepted items wait in a bounded inbox (`KoinosSignatureInbox`) until the Koinos lock
/// side takes them; that side checks the signer against the Ethereum contract's current set.
extension BridgeGossipEndpoint: KoinosSignatureGossip {
    public func publish(koinosSignatures: [GossipedKoinosSignature]) async {
        // Our own digests: peers' signatures of them are worth relaying.
        state.withLock { s in for item in koinosSignatures { s.ownDigests.insert(item.digest) } }
        for chunk in chunks(koinosSignatures, size: configuration.maxBatchItems) {
            await send(.koinosSignatures(chunk))
        }
    }

    public func takeKoinosSignatures() -> [GossipedKoinosSignature] {
        state.withLock { $0.koinosInbox.takeAll() }
    }

    public func holdKoinosSignatures(_ signatures: [GossipedKoinosSignature]) {
        let pushed = state.withLock { s in signatures.reduce(0) { $0 + s.koinosInbox.insert($1) } }
        countPushedOut(pushed)
    }

    /// Signatures held now and pushed out since the start (for tests and diagnostics).
    public func koinosInboxCounts() -> (held: Int, dropped: Int) {
        state.withLock { ($0.koinosInbox.count, $0.koinosInbox.dropped) }
    }

    func validateKoinosSignatures(_ items: [GossipedKoinosSignature], from sender: [UInt8], budgeted: Bool) -> BridgeValidationResult {
        guard !items.isEmpty else { return .reject(.empty) }
        guard items.count <= configuration.maxBatchItems else { return .reject(.tooManyItems) }
        let now = clock.nowMilliseconds
        if budgeted {
            let allowed = state.withLock { $0.itemBudget.take(items.count, validator: sender, limit: configuration.itemLimit, now: now) }
            guard allowed else { return .ignore(.itemRateLimited) }
        }
        for item in items {
            guard let compact = KoinosSignatureWire.koinosForm(item.signature),
                  verifier.recoverKoinosAddress(digest: item.digest, signature: compact) == sender
            else { return .reject(.badItemSignature) }
        }
        let (pushed, ours) = state.withLock { s in
            (items.reduce(0) { $0 + s.koinosInbox.insert($1) }, items.contains { s.ownDigests.contains($0.digest) })
        }
        countPushedOut(pushed)
        // Relayed only when it concerns a digest we signed ourselves (as for transfer signatures).
        return ours ? .accept([]) : .acceptLocally([])
    }

    private func countPushedOut(_ pushed: Int) {
        guard pushed > 0 else { return }
        metrics.dropped(.koinosSignatures).increment(by: pushed)
    }
}
