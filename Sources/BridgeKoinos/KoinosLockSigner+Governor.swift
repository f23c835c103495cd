// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import ChainCrypto
import Logging

/// The outflow governor for Koinos → Ethereum: the same pure `Governor` as the other direction,
/// fed the Koinos token contract, the amount and the Koinos BLOCK time of each lock (never the
/// wall clock), so validators with the same `governor` section hold the same locks until the same
/// release time. Decisions go to `governor_transfer` (a restart keeps the window and the queue);
/// a held lock is `delayed` and not signed until its release time (or `governor release`), and its
/// message's expiration is counted from the release time (the digest signed at release changes).
extension KoinosLockSigner {
    /// Delayed locks whose release time has come go back to `observed` (signed this round).
    func releaseDueTransfers() async throws {
        for id in try await governorStore.releaseDueKoinosTransfers(atMilliseconds: clock.nowMilliseconds) {
            logger.info("Governor released a delayed transfer", metadata: ["transfer.id": "\(id)"])
        }
    }

    /// Decides the governed, undecided locks among `ids` (source order), stores the decisions and
    /// returns the locks held (`delayed` in the store now).
    func governed(_ ids: [KoinosLockID]) async throws -> Set<KoinosLockID> {
        let candidates = try await governorStore.koinosGovernorCandidates(ids)
        let undecided = Governor.undecided(ids.compactMap { candidates[$0] }, policy: governor)
        guard let since = Governor.historyStart(of: undecided, policy: governor) else { return [] }
        let history = try await governorStore.governorHistory(tokens: Array(Set(undecided.map(\.token))), sinceMilliseconds: since)
        let entries = Governor.decideAll(undecided, policy: governor, history: history)
        var held: Set<KoinosLockID> = []
        var extended: [KoinosResign] = []
        for entry in entries {
            guard case .delayed(let release, let reason) = entry.decision, case .koinos(let id) = entry.transfer.id else { continue }
            held.insert(id)
            if let moved = Self.expirationAfterRelease(try await store.koinosLock(id), releaseAtMilliseconds: release) { extended.append(moved) }
            logger.notice("Governor delayed a transfer", metadata: [
                "transfer.id": "\(id)", "amount": "\(entry.transfer.amount)", "reason": "\(reason.rawValue)", "release_at_ms": "\(release)",
            ])
        }
        try await governorStore.recordKoinosGovernorDecisions(entries, extended: extended, atMilliseconds: clock.nowMilliseconds)
        return held
    }

    /// The held lock's message with its expiration counted from the release time instead of the
    /// block time (same lifetime: old expiration − block time), so the signatures made at release
    /// are not born expired. Deterministic (release time, stored message), so every validator
    /// with the same configuration signs the same digest. Nil when it cannot be moved (no message,
    /// overflow, a message that does not carry the stored expiration).
    static func expirationAfterRelease(_ lock: KoinosLockView?, releaseAtMilliseconds release: UInt64) -> KoinosResign? {
        guard let lock, let packed = lock.message, let old = lock.expiration, old >= lock.blockTimeMs,
              case (let expiration, false) = release.addingReportingOverflow(old - lock.blockTimeMs), expiration > old,
              let repacked = KoinosResignJudge.repack(packed, profile: lock.profile == "v1" ? .v1 : .v2, old: old, new: expiration)
        else { return nil }
        return KoinosResign(
            id: lock.id, expiration: expiration, message: repacked, digest: EthereumSignature.eip191Digest(of: Keccak256.hash(repacked)))
    }
}
