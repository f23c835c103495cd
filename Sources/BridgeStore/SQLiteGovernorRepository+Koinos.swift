// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import Foundation
import GRDB

/// The governor's Koinos → Ethereum side: the same `governor_transfer` table (keyed by the lock's
/// `koinos:0x…:<op>` id) and the `observed` ⇄ `delayed` moves of `koinos_observation`.
extension SQLiteGovernorRepository: KoinosGovernorStore {
    /// Source facts (Koinos token contract, amount, Koinos block time) of the given locks; a lock
    /// that is not stored or whose amount is not a u64 is left out.
    public func koinosGovernorCandidates(_ ids: [KoinosLockID]) async throws -> [KoinosLockID: GovernorCandidate] {
        try await governorCandidates(ids, table: "koinos_observation", governed: GovernedTransferID.koinos)
    }

    /// Stores Koinos → Ethereum decisions and, in the same transaction, the held locks' messages
    /// with the expiration moved past their release time (`extended`, a message and digest per
    /// lock): a lock signed at release must not carry a signature that expired while it waited.
    public func recordKoinosGovernorDecisions(_ entries: [GovernorEntry], extended: [KoinosResign], atMilliseconds now: UInt64) async throws {
        guard !entries.isEmpty else { return }
        try await writer.write { db in
            try Self.insertGovernorDecisions(entries, db: db, now: now)
            for r in extended {
                try db.execute(
                    sql: "UPDATE koinos_observation SET expiration = ?, message = ?, digest = ?, updated_at_ms = ? WHERE id = ? AND status = 'delayed'",
                    arguments: [Int64(clamping: r.expiration), Data(r.message), Data(r.digest), Int64(clamping: now), r.id.description])
            }
        }
    }

    /// Moves `delayed` Koinos locks whose release time is ≤ `now` back to `observed`; returns them.
    public func releaseDueKoinosTransfers(atMilliseconds now: UInt64) async throws -> [KoinosLockID] {
        try await writer.write { db in
            let due = try String.fetchAll(db, sql: """
                SELECT k.id FROM koinos_observation k JOIN governor_transfer g ON g.observation_id = k.id
                WHERE k.status = 'delayed' AND g.release_at_ms <= ? ORDER BY g.release_at_ms, k.id
                """, arguments: [Int64(clamping: now)])
            let update = try db.cachedStatement(
                sql: "UPDATE koinos_observation SET status = 'observed', updated_at_ms = ? WHERE id = ? AND status = 'delayed'")
            for id in due { try update.execute(arguments: [Int64(clamping: now), id]) }
            return due.compactMap(KoinosLockID.init)
        }
    }
}
