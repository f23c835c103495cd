// SPDX-License-Identifier: Apache-2.0

/// An observation whose Koinos-bound message and digest are known, waiting for (or holding) our signature.
public struct PendingObservation: Sendable, Hashable {
    public var id: ObservationID
    public var profile: ContractProfile
    /// sha256 of `message` (32 bytes).
    public var digest: [UInt8]
    /// The encoded `KoinosTransferMessage`.
    public var message: [UInt8]
    public var status: AttestationStatus
    /// When the row last changed status (for `signing`: when we signed).
    public var updatedAtMilliseconds: UInt64

    public init(id: ObservationID, profile: ContractProfile, digest: [UInt8], message: [UInt8], status: AttestationStatus, updatedAtMilliseconds: UInt64) {
        self.id = id
        self.profile = profile
        self.digest = digest
        self.message = message
        self.status = status
        self.updatedAtMilliseconds = updatedAtMilliseconds
    }
}

/// Quorum reached for one observation: the contract-minimal ordered set the submitter sends.
public struct QuorumRecord: Sendable, Hashable {
    public var observationID: ObservationID
    public var digest: [UInt8]
    public var required: Int
    /// Distinct current validators that signed when quorum was (re)computed.
    public var have: Int
    /// Exactly `required` signatures, ordered by validator address.
    public var submissionSet: [ValidatorSignature]

    public init(observationID: ObservationID, digest: [UInt8], required: Int, have: Int, submissionSet: [ValidatorSignature]) {
        self.observationID = observationID
        self.digest = digest
        self.required = required
        self.have = have
        self.submissionSet = submissionSet
    }
}

/// Proof that one validator signed two different digests for one observation.
public struct EquivocationEvidence: Sendable, Hashable {
    public var validator: [UInt8]
    public var observationID: ObservationID
    public var firstDigest: [UInt8]
    public var firstSignature: [UInt8]
    public var secondDigest: [UInt8]
    public var secondSignature: [UInt8]

    public init(validator: [UInt8], observationID: ObservationID, firstDigest: [UInt8], firstSignature: [UInt8], secondDigest: [UInt8], secondSignature: [UInt8]) {
        self.validator = validator
        self.observationID = observationID
        self.firstDigest = firstDigest
        self.firstSignature = firstSignature
        self.secondDigest = secondDigest
        self.secondSignature = secondSignature
    }
}

/// Where a stored signature came from.
public enum SignatureSource: String, Sendable, Hashable {
    case own = "self"
    case gossip
}

/// Everything the aggregator needs to rebuild its in-memory state after a restart.
public struct RestoredAttestationState: Sendable {
    /// Observations we signed that have not reached quorum yet.
    public var signing: [PendingObservation]
    /// Every stored signature for digests that are not final (ours and peers').
    public var signatures: [SignedObservation]
    public var evidence: [EquivocationEvidence]
    /// Latest quorum time we stored (0 when none): where catch-up starts.
    public var lastQuorumMilliseconds: UInt64

    public init(signing: [PendingObservation], signatures: [SignedObservation], evidence: [EquivocationEvidence], lastQuorumMilliseconds: UInt64) {
        self.signing = signing
        self.signatures = signatures
        self.evidence = evidence
        self.lastQuorumMilliseconds = lastQuorumMilliseconds
    }
}

/// One durable change the aggregator asks for; a batch of them commits in one transaction.
public enum AttestationWrite: Sendable, Hashable {
    /// Our own signatures; their observations move `observed` → `signing`.
    case ownSignatures([SignedObservation])
    /// Verified peer signatures (first one per digest and validator wins).
    case peerSignatures([SignedObservation])
    /// An observation reached quorum (or its set changed): status `quorum`, submission ranks.
    case quorum(QuorumRecord)
    /// A `quorum` observation goes back to `signing` (its set lost a member to equivocation).
    case revokeQuorum(ObservationID)
    /// Evidence of equivocation; both equivocating signatures leave the signature table.
    case equivocation(EquivocationEvidence)
    /// Observations that never reached quorum become `expired`.
    case expired([ObservationID])
    /// A validator's latest heartbeat (an older one never overwrites a newer one).
    case heartbeat(ValidatorHeartbeat)
}

/// A write of a batch that failed and was rolled back alone (the others committed).
public struct AttestationWriteFailure: Sendable, Error {
    public var write: AttestationWrite
    public var error: String

    public init(write: AttestationWrite, error: String) {
        self.write = write
        self.error = error
    }
}

/// Durable storage for the aggregation: observations → signing → quorum / expired, signatures,
/// evidence and heartbeats. Every method is async and never blocks the caller's thread.
public protocol AttestationRepository: Sendable {
    /// Rows in status `observed` with a digest and message, oldest first.
    func observationsAwaitingSignature(limit: Int) async throws -> [PendingObservation]
    /// Applies `writes` in order in one transaction, each in its own savepoint: a write that fails
    /// rolls back alone and is returned; the call throws only when the transaction itself fails.
    @discardableResult
    func apply(_ writes: [AttestationWrite], atMilliseconds now: UInt64) async throws -> [AttestationWriteFailure]
    func restoreAttestationState() async throws -> RestoredAttestationState
    /// The stored quorum set of one observation, nil before quorum (answers re-observation requests
    /// for observations that already left the aggregator's memory).
    func quorumAttestation(for id: ObservationID) async throws -> SignatureSet?
    /// Quorum sets reached at or after `sinceMilliseconds`, oldest first (catch-up responses).
    func quorumAttestations(sinceMilliseconds: UInt64, limit: Int) async throws -> [SignatureSet]
}
