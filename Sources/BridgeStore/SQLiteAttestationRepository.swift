// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import Foundation
import GRDB

/// The aggregation's durable state: `observed` → `signing` → `quorum` (or `expired`), signatures,
/// equivocation evidence and heartbeats — the `AttestationRepository` port over the node's one
/// database writer (`BridgeDatabase` owns the pool, the migrations and the commit observers).
/// Reads and writes run on GRDB's own queues: a caller on the cooperative pool awaits, it never
/// blocks a thread.
public struct SQLiteAttestationRepository: AttestationRepository {
    let writer: any DatabaseWriter

    public init(_ database: BridgeDatabase) {
        writer = database.writer
    }

    public func observationsAwaitingSignature(limit: Int) async throws -> [PendingObservation] {
        try await writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT chain_id, tx_hash, log_index, profile, digest, message, status, updated_at_ms FROM observation
                    WHERE status = 'observed' AND digest IS NOT NULL AND message IS NOT NULL
                    ORDER BY created_at_ms, id LIMIT ?
                    """, arguments: [limit]
            ).compactMap(BridgeDatabase.pendingObservation)
        }
    }

    @discardableResult
    public func apply(_ writes: [AttestationWrite], atMilliseconds now: UInt64) async throws -> [AttestationWriteFailure] {
        guard !writes.isEmpty else { return [] }
        return try await writer.write { db in
            var failures: [AttestationWriteFailure] = []
            for write in writes {
                do {
                    try db.inSavepoint {
                        try Self.perform(write, now: now, db: db)
                        return .commit
                    }
                } catch {
                    failures.append(AttestationWriteFailure(write: write, error: "\(error)"))
                }
            }
            return failures
        }
    }

    static func perform(_ write: AttestationWrite, now: UInt64, db: Database) throws {
        switch write {
        case .ownSignatures(let signatures): try recordOwnSignatures(signatures, now: now, db: db)
        case .peerSignatures(let signatures): try insert(signatures, source: .gossip, now: now, db: db)
        case .quorum(let record): try markQuorum(record, now: now, db: db)
        case .revokeQuorum(let id): try revokeQuorum(id, now: now, db: db)
        case .equivocation(let evidence): try recordEquivocation(evidence, now: now, db: db)
        case .expired(let ids): try markExpired(ids, now: now, db: db)
        case .heartbeat(let heartbeat): try storeHeartbeat(heartbeat, now: now, db: db)
        }
    }

    static func recordOwnSignatures(_ signatures: [SignedObservation], now: UInt64, db: Database) throws {
        guard !signatures.isEmpty else { return }
        try insert(signatures, source: .own, now: now, db: db)
        let update = try db.cachedStatement(
            sql: "UPDATE observation SET status = 'signing', updated_at_ms = ? WHERE id = ? AND status = 'observed'")
        for item in signatures {
            try update.execute(arguments: [Int64(now), item.observationID.description])
        }
    }

    static func markQuorum(_ record: QuorumRecord, now: UInt64, db: Database) throws {
        try db.cachedStatement(
            sql: """
                UPDATE observation SET status = 'quorum', quorum_required = ?, quorum_have = ?,
                quorum_at_ms = COALESCE(quorum_at_ms, ?), updated_at_ms = ?
                WHERE id = ? AND status IN ('observed', 'signing', 'quorum')
                """
        ).execute(arguments: [record.required, record.have, Int64(now), Int64(now), record.observationID.description])
        try db.cachedStatement(sql: Self.rankUpdateSQL(members: record.submissionSet.count))
            .execute(arguments: StatementArguments([Data(record.digest)] + record.submissionSet.map { Data($0.validator) }))
    }

    static func revokeQuorum(_ id: ObservationID, now: UInt64, db: Database) throws {
        try db.execute(
            sql: """
                UPDATE observation SET status = 'signing', quorum_at_ms = NULL, updated_at_ms = ?
                WHERE id = ? AND status = 'quorum'
                """, arguments: [Int64(now), id.description])
        try db.execute(sql: "UPDATE signature SET submission_rank = NULL WHERE observation_id = ?", arguments: [id.description])
    }

    static func recordEquivocation(_ evidence: EquivocationEvidence, now: UInt64, db: Database) throws {
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO evidence (validator, observation_id, digest_a, signature_a, digest_b, signature_b, detected_at_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                Data(evidence.validator), evidence.observationID.description, Data(evidence.firstDigest),
                Data(evidence.firstSignature), Data(evidence.secondDigest), Data(evidence.secondSignature), Int64(now),
            ])
        try db.execute(
            sql: "DELETE FROM signature WHERE validator = ? AND observation_id = ? AND digest IN (?, ?)",
            arguments: [Data(evidence.validator), evidence.observationID.description, Data(evidence.firstDigest), Data(evidence.secondDigest)])
    }

    static func markExpired(_ ids: [ObservationID], now: UInt64, db: Database) throws {
        let update = try db.cachedStatement(
            sql: """
                UPDATE observation SET status = 'expired', reason = 'no quorum before the give-up deadline', updated_at_ms = ?
                WHERE id = ? AND status IN ('observed', 'signing')
                """)
        for id in ids { try update.execute(arguments: [Int64(now), id.description]) }
    }

    static func storeHeartbeat(_ heartbeat: ValidatorHeartbeat, now: UInt64, db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO heartbeat (validator, peer_id, version, eth_cursor, sent_at_ms, received_at_ms) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(validator) DO UPDATE SET peer_id = excluded.peer_id, version = excluded.version,
                eth_cursor = excluded.eth_cursor, sent_at_ms = excluded.sent_at_ms, received_at_ms = excluded.received_at_ms
                WHERE excluded.sent_at_ms >= heartbeat.sent_at_ms
                """,
            arguments: [
                Data(heartbeat.validator), heartbeat.peerID, heartbeat.softwareVersion,
                Int64(clamping: heartbeat.ethereumCursor), Int64(clamping: heartbeat.timestampMilliseconds), Int64(now),
            ])
    }

    /// Sets the ranks of a submission set of `members` signatures (`?1` digest, `?2…` validators in
    /// order) and NULL for every other signature of the digest, in one statement; rows whose rank
    /// does not change are not rewritten (a set improved by one late signature moves few).
    static func rankUpdateSQL(members: Int) -> String {
        members < rankUpdateSQLs.count ? rankUpdateSQLs[members] : makeRankUpdateSQL(members: members)
    }

    private static let rankUpdateSQLs = (0..<32).map(makeRankUpdateSQL)

    private static func makeRankUpdateSQL(members: Int) -> String {
        let cases = (0..<members).map { "WHEN ?\($0 + 2) THEN \($0)" }.joined(separator: " ")
        let rank = members == 0 ? "NULL" : "CASE validator \(cases) END"
        return "UPDATE signature SET submission_rank = \(rank) WHERE digest = ?1 AND submission_rank IS NOT \(rank)"
    }

    static func insert(_ signatures: [SignedObservation], source: SignatureSource, now: UInt64, db: Database) throws {
        let statement = try db.cachedStatement(
            sql: """
                INSERT OR IGNORE INTO signature (digest, validator, signature, observation_id, source, received_at_ms, profile)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
        for item in signatures {
            try statement.execute(arguments: [
                Data(item.digest), Data(item.signature.validator), Data(item.signature.signature),
                item.observationID.description, source.rawValue, Int64(now), item.profile.rawValue,
            ])
        }
    }
}
