// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import Foundation
import GRDB

/// Where the Koinos submission of one observation stands (`submission.status`).
public enum SubmissionStatus: String, Sendable, Hashable, CaseIterable {
    /// Not sent yet: waiting for our turn, the relayer rule, or the first attempt.
    case pending
    /// A `complete_transfer` transaction was accepted by the node; `koinos_tx_id` names it.
    case submitted
    /// That transaction is in a block.
    case included
    /// The contract reports the transfer completed (by us or by another validator).
    case completed
    /// The last attempt failed (mana, node, rejection); retried at `next_attempt_at_ms`, never dropped.
    case failed
}

/// One row of the `submission` table.
public struct SubmissionRecord: Sendable, Hashable {
    public var observationID: String
    public var koinosTransactionID: [UInt8]?
    public var status: SubmissionStatus
    public var attempts: Int
    /// Why the last attempt failed or why the submission waits (operator-visible).
    public var lastError: String?
    public var nextAttemptAtMs: UInt64?
    public var submittedAtMs: UInt64?
    public var updatedAtMs: UInt64
    /// Koinos head height when the contract first reported the transfer completed; the
    /// submission is final once the last irreversible block reaches it (nil: not seen completed).
    public var completedSeenAtHeight: UInt64?

    public init(
        observationID: String, koinosTransactionID: [UInt8]? = nil, status: SubmissionStatus, attempts: Int = 0,
        lastError: String? = nil, nextAttemptAtMs: UInt64? = nil, submittedAtMs: UInt64? = nil, updatedAtMs: UInt64,
        completedSeenAtHeight: UInt64? = nil
    ) {
        self.completedSeenAtHeight = completedSeenAtHeight
        self.observationID = observationID
        self.koinosTransactionID = koinosTransactionID
        self.status = status
        self.attempts = attempts
        self.lastError = lastError
        self.nextAttemptAtMs = nextAttemptAtMs
        self.submittedAtMs = submittedAtMs
        self.updatedAtMs = updatedAtMs
    }
}

/// An observation that reached quorum (or was already submitted), with what the Koinos submitter
/// needs: the signed message bytes, its digest, every stored signature and the submission row.
public struct SubmittableObservation: Sendable, Hashable {
    public var id: String
    public var profile: ContractProfile
    public var status: AttestationStatus
    /// `KoinosTransferMessage.encoded()` bytes, exactly what the validators signed (sha256 = `digest`).
    public var message: [UInt8]
    public var digest: [UInt8]
    /// When quorum was reached here (falls back to the last update): the submitter rotation's origin.
    public var quorumAtMs: UInt64
    public var signatures: [ValidatorSignature]
    public var submission: SubmissionRecord?

    public init(
        id: String, profile: ContractProfile, status: AttestationStatus, message: [UInt8], digest: [UInt8], quorumAtMs: UInt64,
        signatures: [ValidatorSignature], submission: SubmissionRecord?
    ) {
        self.id = id
        self.profile = profile
        self.status = status
        self.message = message
        self.digest = digest
        self.quorumAtMs = quorumAtMs
        self.signatures = signatures
        self.submission = submission
    }
}

extension BridgeDatabase {
    /// Observations in status `quorum` or `submitted` with a message and digest, oldest quorum first.
    public func submittableObservations(limit: Int = 500) async throws -> [SubmittableObservation] {
        try await writer.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, profile, status, message, digest, COALESCE(quorum_at_ms, updated_at_ms) AS quorum_at
                    FROM observation
                    WHERE status IN ('quorum', 'submitted') AND message IS NOT NULL AND digest IS NOT NULL
                    ORDER BY quorum_at, id LIMIT ?
                    """, arguments: [limit])
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

    /// The submission row of `observationID`, if any.
    public func submission(for observationID: String) async throws -> SubmissionRecord? {
        try await writer.read { db in try Self.fetchSubmission(db, observationID: observationID) }
    }

    /// Every submission row, for operators and tests.
    public func allSubmissions() async throws -> [SubmissionRecord] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM submission ORDER BY observation_id").map(Self.submissionRecord)
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

    private static func fetchSubmission(_ db: Database, observationID: String) throws -> SubmissionRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM submission WHERE observation_id = ?", arguments: [observationID]).map(submissionRecord)
    }

    private static func submissionRecord(_ row: Row) -> SubmissionRecord {
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
