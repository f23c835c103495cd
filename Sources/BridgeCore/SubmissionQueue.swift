// SPDX-License-Identifier: Apache-2.0
public import Primitives

/// Where the Koinos submitter reads its work and writes its progress: the port its interpreter
/// calls instead of the database (`SQLiteSubmissionQueue` in production, an in-memory queue in tests).
public protocol SubmissionQueue: Sendable {
    /// Observations with a message and digest, oldest quorum first: at most `limit` not sent yet
    /// (status `quorum`) and, besides them, at most `limit` in flight (status `submitted`).
    func submittableObservations(limit: Int) async throws -> [SubmittableObservation]
    /// Writes `record` and, when given, moves the observation to `observationStatus`, atomically.
    func saveSubmission(_ record: SubmissionRecord, observationStatus: AttestationStatus?) async throws
    /// Signalled after every committed change of an observation (a transfer reached quorum).
    var observationCommits: ChangeSignal { get }
}

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
