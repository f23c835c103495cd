// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
public import Primitives
import Foundation
import GRDB

/// Where the Koinos submitter reads its work and writes its progress: the `SubmissionQueue` port
/// over the node's one database writer, woken by the database's observation commit signal.
public struct SQLiteSubmissionQueue: SubmissionQueue {
    let writer: any DatabaseWriter
    public let observationCommits: ChangeSignal

    public init(_ database: BridgeDatabase) {
        writer = database.writer
        observationCommits = database.observationCommits
    }

    /// Observations with a message and digest, oldest quorum first: at most `limit` not sent yet
    /// (status `quorum`) and, besides them, at most `limit` in flight (status `submitted`), so rows
    /// waiting for their block to become irreversible never hide the ones still to send.
    public func submittableObservations(limit: Int = 500) async throws -> [SubmittableObservation] {
        try await writer.read { db in
            let oldestOfStatus = """
                SELECT * FROM (
                  SELECT id, profile, status, message, digest, COALESCE(quorum_at_ms, updated_at_ms) AS quorum_at FROM observation
                  WHERE status = ? AND message IS NOT NULL AND digest IS NOT NULL ORDER BY quorum_at, id LIMIT ?)
                """
            let rows = try Row.fetchAll(
                db, sql: "\(oldestOfStatus) UNION ALL \(oldestOfStatus) ORDER BY quorum_at, id",
                arguments: [AttestationStatus.quorum.rawValue, limit, AttestationStatus.submitted.rawValue, limit])
            return try rows.compactMap { row -> SubmittableObservation? in
                guard let profile = ContractProfile(rawValue: row["profile"]), let status = AttestationStatus(rawValue: row["status"]) else {
                    return nil
                }
                let id: String = row["id"]
                let digest = [UInt8](row["digest"] as Data)
                let signatures = try Row.fetchAll(
                    db, sql: "SELECT validator, signature FROM signature WHERE digest = ? ORDER BY validator", arguments: [Data(digest)]
                ).map { ValidatorSignature(validator: [UInt8]($0["validator"] as Data), signature: [UInt8]($0["signature"] as Data)) }
                return SubmittableObservation(
                    id: id, profile: profile, status: status, message: [UInt8](row["message"] as Data), digest: digest,
                    quorumAtMs: UInt64(max(0, row["quorum_at"] as Int64)), signatures: signatures,
                    submission: try Self.fetchSubmission(db, observationID: id))
            }
        }
    }

    /// Writes `record` and, when given, moves the observation to `observationStatus` — one transaction.
    public func saveSubmission(_ record: SubmissionRecord, observationStatus: AttestationStatus? = nil) async throws {
        try await writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO submission (observation_id, koinos_tx_id, status, attempts, last_error, next_attempt_at_ms,
                                            submitted_at_ms, updated_at_ms, completed_seen_height)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(observation_id) DO UPDATE SET
                      koinos_tx_id = excluded.koinos_tx_id, status = excluded.status, attempts = excluded.attempts,
                      last_error = excluded.last_error, next_attempt_at_ms = excluded.next_attempt_at_ms,
                      submitted_at_ms = excluded.submitted_at_ms, updated_at_ms = excluded.updated_at_ms,
                      completed_seen_height = excluded.completed_seen_height
                    """,
                arguments: [
                    record.observationID, record.koinosTransactionID.map { Data($0) }, record.status.rawValue, record.attempts,
                    record.lastError, record.nextAttemptAtMs.map { Int64(clamping: $0) }, record.submittedAtMs.map { Int64(clamping: $0) },
                    Int64(clamping: record.updatedAtMs), record.completedSeenAtHeight.map { Int64(clamping: $0) },
                ])
            if let observationStatus {
                try db.execute(
                    sql: "UPDATE observation SET status = ?, updated_at_ms = ? WHERE id = ?",
                    arguments: [observationStatus.rawValue, Int64(clamping: record.updatedAtMs), record.observationID])
            }
        }
    }
}

extension BridgeDatabase {
    /// The submission row of `observationID`, if any.
    public func submission(for observationID: String) async throws -> SubmissionRecord? {
        try await writer.read { db in try SQLiteSubmissionQueue.fetchSubmission(db, observationID: observationID) }
    }

    /// Every submission row, for operators and tests.
    public func allSubmissions() async throws -> [SubmissionRecord] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM submission ORDER BY observation_id").map(SQLiteSubmissionQueue.submissionRecord)
        }
    }
}

extension SQLiteSubmissionQueue {
    static func fetchSubmission(_ db: Database, observationID: String) throws -> SubmissionRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM submission WHERE observation_id = ?", arguments: [observationID]).map(submissionRecord)
    }

    static func submissionRecord(_ row: Row) -> SubmissionRecord {
        let txID: Data? = row["koinos_tx_id"]
        let next: Int64? = row["next_attempt_at_ms"]
        let submitted: Int64? = row["submitted_at_ms"]
        let updated: Int64 = row["updated_at_ms"]
        let seen: Int64? = row["completed_seen_height"]
        return SubmissionRecord(
            observationID: row["observation_id"], koinosTransactionID: txID.map { [UInt8]($0) },
            status: SubmissionStatus(rawValue: row["status"]) ?? .failed, attempts: row["attempts"], lastError: row["last_error"],
            nextAttemptAtMs: next.map { UInt64(max(0, $0)) }, submittedAtMs: submitted.map { UInt64(max(0, $0)) },
            updatedAtMs: UInt64(max(0, updated)), completedSeenAtHeight: seen.map { UInt64(max(0, $0)) })
    }
}
