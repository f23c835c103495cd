// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import Foundation
import GRDB

/// The governor's durable state (`governor_transfer`) and the `observed` ⇄ `delayed` moves: the
/// `GovernorRepository` port over the node's one database writer. Everything runs on GRDB's
/// queues; callers await.
public struct SQLiteGovernorRepository: GovernorRepository {
    let writer: any DatabaseWriter

    public init(_ database: BridgeDatabase) {
        writer = database.writer
    }

    public func governorCandidates(_ ids: [ObservationID]) async throws -> [ObservationID: GovernorCandidate] {
        try await governorCandidates(ids, table: "observation", governed: GovernedTransferID.ethereum)
    }

    /// Source facts (token, amount, block time) of locks stored in `table` (`observation` or
    /// `koinos_observation`, both with those columns) and whether the governor decided them; a lock
    /// not stored or whose amount is not a u64 is left out.
    func governorCandidates<ID: Hashable & CustomStringConvertible & Sendable>(
        _ ids: [ID], table: String, governed: @escaping @Sendable (ID) -> GovernedTransferID
    ) async throws -> [ID: GovernorCandidate] {
        guard !ids.isEmpty else { return [:] }
        return try await writer.read { db in
            var out: [ID: GovernorCandidate] = [:]
            let statement = try db.cachedStatement(sql: """
                SELECT s.token, s.amount, s.block_time_ms, g.observation_id AS decided FROM \(table) s
                LEFT JOIN governor_transfer g ON g.observation_id = s.id WHERE s.id = ?
                """)
            for id in ids {
                guard let row = try Row.fetchOne(statement, arguments: [id.description]),
                      let amount = UInt64(row["amount"] as String)
                else { continue }
                let transfer = GovernedTransfer(
                    id: governed(id), token: Array(row["token"] as Data), amount: amount,
                    sourceTimeMilliseconds: UInt64(clamping: row["block_time_ms"] as Int64))
                out[id] = GovernorCandidate(transfer: transfer, decided: (row["decided"] as String?) != nil)
            }
            return out
        }
    }

    public func governorHistory(tokens: [[UInt8]], sinceMilliseconds: UInt64) async throws -> [GovernorEntry] {
        guard !tokens.isEmpty else { return [] }
        return try await writer.read { db in
            let statement = try db.cachedStatement(sql: "SELECT * FROM governor_transfer WHERE token = ? AND effective_ms > ? ORDER BY effective_ms, observation_id")
            return try tokens.flatMap { token in
                try Row.fetchAll(statement, arguments: [Data(token), Int64(clamping: sinceMilliseconds)]).compactMap(Self.governorEntry)
            }
        }
    }

    public func recordGovernorDecisions(_ entries: [GovernorEntry], atMilliseconds now: UInt64) async throws {
        guard !entries.isEmpty else { return }
        try await writer.write { db in try Self.insertGovernorDecisions(entries, db: db, now: now) }
    }

    public func recordGovernorDecisions(_ entries: [GovernorEntry], heldMessages: [HeldTransferMessage], atMilliseconds now: UInt64) async throws {
        guard !entries.isEmpty else { return }
        try await writer.write { db in
            try Self.insertGovernorDecisions(entries, db: db, now: now)
            let update = try db.cachedStatement(
                sql: "UPDATE observation SET expiration = ?, message = ?, digest = ?, updated_at_ms = ? WHERE id = ? AND status = 'delayed'")
            for held in heldMessages {
                try update.execute(arguments: [
                    Int64(clamping: held.expiration), Data(held.message), Data(held.digest), Int64(clamping: now), held.id.description,
                ])
            }
        }
    }

    /// Stores decisions; a delayed one moves its observation (either table) `observed` → `delayed`.
    static func insertGovernorDecisions(_ entries: [GovernorEntry], db: Database, now: UInt64) throws {
        let insert = try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO governor_transfer (observation_id, token, amount, source_time_ms, release_at_ms, reason, effective_ms, decided_at_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let delay = try db.cachedStatement(sql: "UPDATE observation SET status = 'delayed', updated_at_ms = ? WHERE id = ? AND status = 'observed'")
        let delayKoinos = try db.cachedStatement(
            sql: "UPDATE koinos_observation SET status = 'delayed', updated_at_ms = ? WHERE id = ? AND status = 'observed'")
        for entry in entries {
            var release: Int64?
            var reason: String?
            if case .delayed(let at, let why) = entry.decision {
                release = Int64(clamping: at)
                reason = why.rawValue
            }
            try insert.execute(arguments: [
                entry.transfer.id.description, Data(entry.transfer.token), String(entry.transfer.amount),
                Int64(clamping: entry.transfer.sourceTimeMilliseconds), release, reason,
                Int64(clamping: entry.effectiveMilliseconds), Int64(clamping: now),
            ])
            guard release != nil else { continue }
            let statement = entry.transfer.id.direction == .koinosToEthereum ? delayKoinos : delay
            try statement.execute(arguments: [Int64(clamping: now), entry.transfer.id.description])
        }
    }

    public func releaseDueTransfers(atMilliseconds now: UInt64) async throws -> [ObservationID] {
        try await writer.write { db in
            let due = try String.fetchAll(db, sql: """
                SELECT o.id FROM observation o JOIN governor_transfer g ON g.observation_id = o.id
                WHERE o.status = 'delayed' AND g.release_at_ms <= ? ORDER BY g.release_at_ms, o.id
                """, arguments: [Int64(clamping: now)])
            let update = try db.cachedStatement(sql: "UPDATE observation SET status = 'observed', updated_at_ms = ? WHERE id = ? AND status = 'delayed'")
            for id in due { try update.execute(arguments: [Int64(clamping: now), id]) }
            return due.compactMap(ObservationID.init)
        }
    }

    public func releaseTransferEarly(_ id: GovernedTransferID, atMilliseconds now: UInt64) async throws -> Bool {
        let table = id.direction == .koinosToEthereum ? "koinos_observation" : "observation"
        return try await writer.write { db in
            try db.execute(
                sql: "UPDATE \(table) SET status = 'observed', updated_at_ms = ? WHERE id = ? AND status = 'delayed'",
                arguments: [Int64(clamping: now), id.description])
            guard db.changesCount > 0 else { return false }
            try db.execute(
                sql: "UPDATE governor_transfer SET released_early_at_ms = ? WHERE observation_id = ?",
                arguments: [Int64(clamping: now), id.description])
            return true
        }
    }

    public func governorQueue() async throws -> [GovernorQueueItem] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT g.*, COALESCE(o.status, k.status) AS status FROM governor_transfer g
                LEFT JOIN observation o ON o.id = g.observation_id LEFT JOIN koinos_observation k ON k.id = g.observation_id
                WHERE COALESCE(o.status, k.status) = 'delayed' ORDER BY g.release_at_ms, g.observation_id
                """
            ).compactMap { row in
                guard let entry = Self.governorEntry(row), let status = AttestationStatus(rawValue: row["status"]) else { return nil }
                return GovernorQueueItem(entry: entry, status: status)
            }
        }
    }

    static func governorEntry(_ row: Row) -> GovernorEntry? {
        guard let id = GovernedTransferID(row["observation_id"] as String), let amount = UInt64(row["amount"] as String) else { return nil }
        let transfer = GovernedTransfer(
            id: id, token: Array(row["token"] as Data), amount: amount,
            sourceTimeMilliseconds: UInt64(clamping: row["source_time_ms"] as Int64))
        var decision = GovernorDecision.signNow
        if let release = row["release_at_ms"] as Int64? {
            guard let reason = GovernorDelayReason(rawValue: row["reason"] as String? ?? "") else { return nil }
            decision = .delayed(releaseAtMilliseconds: UInt64(clamping: release), reason: reason)
        }
        return GovernorEntry(
            transfer: transfer, decision: decision,
            releasedEarlyAtMilliseconds: (row["released_early_at_ms"] as Int64?).map { UInt64(clamping: $0) })
    }
}

extension BridgeDatabase {
    public func governorState(sinceMilliseconds: UInt64) async throws -> GovernorState {
        let history = try await writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM governor_transfer WHERE effective_ms > ? ORDER BY effective_ms, observation_id",
                arguments: [Int64(clamping: sinceMilliseconds)]
            ).compactMap(SQLiteGovernorRepository.governorEntry)
        }
        return GovernorState(history: history, queue: try await SQLiteGovernorRepository(self).governorQueue())
    }
}
