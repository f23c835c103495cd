// SPDX-License-Identifier: Apache-2.0

/// Where one observation is on its way from Ethereum lock to Koinos completion.
public enum AttestationStatus: String, Sendable, Hashable, CaseIterable, Codable {
    /// Seen on Ethereum and valid; our own signature not yet made.
    case observed
    /// Held by the outflow governor until its release time; then `observed` again and signed.
    case delayed
    /// Our signature exists; gathering the others.
    case signing
    /// Q(N) distinct current validators signed the same digest.
    case quorum
    /// A `complete_transfer` transaction carrying the quorum was submitted.
    case submitted
    /// The Koinos contract reports the transfer completed.
    case completed
    /// The lock cannot be completed (bad recipient, unknown token, …); `reason` says why.
    case rejected
    /// No quorum before the give-up deadline, or the signatures expired.
    case expired
}

/// A quorum-complete (or in-progress) signature set for one observation.
///
/// `signatures` holds every valid signature seen (for inspection); `submissionSet(for:)` picks the
/// contract-minimal ordered subset the submitter sends, because one extra or stale signature
/// reverts the whole contract call.
public struct Attestation: Sendable, Hashable {
    public var observationID: ObservationID
    public var profile: ContractProfile
    /// sha256 of the `KoinosTransferMessage` the validators sign (32 bytes).
    public var digest: [UInt8]
    public var message: KoinosTransferMessage
    public var signatures: [ValidatorSignature]
    public var status: AttestationStatus

    public init(
        observationID: ObservationID, profile: ContractProfile, digest: [UInt8], message: KoinosTransferMessage,
        signatures: [ValidatorSignature], status: AttestationStatus
    ) {
        self.observationID = observationID
        self.profile = profile
        self.digest = digest
        self.message = message
        self.signatures = signatures
        self.status = status
    }

    /// Signatures from distinct current validators, ordered by validator address, exactly Q(N) of them;
    /// nil when fewer than Q(N) current validators signed.
    public func submissionSet(for validators: ValidatorSet) -> [ValidatorSignature]? {
        var seen = Set<[UInt8]>()
        let current = signatures
            .filter { validators.contains($0.validator) && seen.insert($0.validator).inserted }
            .sorted { $0.validator.lexicographicallyPrecedes($1.validator) }
        let needed = validators.quorum(profile)
        guard validators.count > 0, needed > 0, current.count >= needed else { return nil }
        return Array(current.prefix(needed))
    }
}
