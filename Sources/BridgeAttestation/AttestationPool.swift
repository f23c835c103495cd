// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import Primitives

/// The aggregation state machine: signatures keyed by digest → quorum, evidence, retries, give-up.
///
/// Pure: no I/O, no clock of its own (every call takes `now`), no signature maths. Inputs are
/// signatures the gossip layer already verified, or signatures it authenticated only by their
/// batch envelope (`receive(unverified:)`: the pool asks for the recovery of those that can count,
/// `AttestationPool+Verification`); outputs are `Action`s the `Aggregator` performs.
/// Rules (validators.md §2.2, bridge-contracts.md §2.6):
/// - signatures for observation ids we have not observed are held in a bounded memory buffer
///   (`UnobservedSignatures`: not persisted, not counted) and absorbed when we observe the id;
///   quorum is checked only for the digest we observed ourselves;
/// - quorum is Q(N) of the profile over **distinct current** validators, and the submission set is
///   exactly Q(N) of them ordered by address (one extra signature reverts the contract call);
/// - one validator signing two digests for one observation we observed is equivocation:
///   evidence (bounded: only ids we observed, at most `maxEquivocationIDs`), and neither counts;
///   except a re-sign (§2.7): when our own store signs a new digest for the id, the old digest is
///   final and the new one starts afresh, and a peer's new-digest signature that came first
///   (held `resignGraceMilliseconds`) counts for it;
/// - no quorum 5 min after our signature → re-broadcast it and request re-observation, with
///   exponential backoff and seeded jitter; give up after 24 h.
public struct AttestationPool: Sendable {
    public internal(set) var validators: ValidatorSet
    public let configuration: AttestationPoolConfiguration
    /// Digests we observed ourselves (every entry has `own`), by a fixed-size key (no byte-by-byte hashing).
    var entries: [DigestKey: Entry] = [:]
    /// Observation id → the digest we observed for it.
    var observedDigests: [ObservationID: [UInt8]] = [:]
    /// Peer signatures for ids we have not observed: memory only, bounded.
    public internal(set) var unobserved: UnobservedSignatures
    /// Observation id (one we observed) → validator → the first (digest, signature) it signed for it.
    var claims: [ObservationID: AddressOrderedTable<(digest: [UInt8], signature: [UInt8])>] = [:]
    var equivocators: [ObservationID: Set<[UInt8]>] = [:]
    /// Second digests from a validator for an id we observed, held for `resignGraceMilliseconds`
    /// before they count as equivocation: a peer may have honoured a re-sign request (§2.7)
    /// before our watcher did (`AttestationPool+Resign`).
    var parkedConflicts: [ObservationID: [ParkedConflict]] = [:]
    /// Digests that reached quorum or were given up and left memory: later signatures are ignored.
    var finalDigests: Set<DigestKey> = []
    /// Unverified peer signatures waiting to be recovered (`AttestationPool+Verification`), by digest.
    var heldSignatures: [DigestKey: AddressOrderedTable<HeldSignature>] = [:]
    /// Signatures in `heldSignatures`.
    public internal(set) var heldSignatureCount = 0
    /// Observation requests we answered recently (deduplicated like Wormhole's 11 min window).
    var answeredRequests: [ObservationID: UInt64] = [:]
    var random: SplitMix64

    /// How long a re-observation request for one observation id is deduplicated.
    static let requestDedupMilliseconds: UInt64 = 11 * 60_000

    public init(validators: ValidatorSet, configuration: AttestationPoolConfiguration = .init()) {
        self.validators = validators
        self.configuration = configuration
        self.random = SplitMix64(seed: configuration.jitterSeed)
        self.unobserved = UnobservedSignatures(
            maxPerValidator: configuration.maxUnobservedSignaturesPerValidator, maxTotal: configuration.maxUnobservedSignatures)
    }

    /// State held for one digest.
    struct Entry: Sendable {
        var observationID: ObservationID
        var profile: ContractProfile
        var digest: [UInt8]
        /// Verified signatures that count, by validator address.
        var signatures = AddressOrderedTable<[UInt8]>()
        var firstSeenMilliseconds: UInt64
        /// Our own signature, once we observed this digest ourselves.
        var own: SignedObservation?
        var observedAtMilliseconds: UInt64?
        var quorum: QuorumRecord?
        var quorumAtMilliseconds: UInt64?
        var retries = 0
        var nextRetryAtMilliseconds: UInt64 = .max
    }

    /// What the caller must do after an input.
    public enum Action: Sendable, Hashable {
        /// Recover these peer signatures (handed over unverified) and `receive` those that recover
        /// to their claimed validator.
        case verifySignatures([SignedObservation])
        /// Store these verified peer signatures.
        case persistSignatures([SignedObservation])
        /// Gossip our own signatures (first broadcast or retry).
        case broadcastSignatures([SignedObservation])
        /// Gossip an `ObservationRequest` for this lock event.
        case requestReobservation(ObservationID)
        /// A peer asked for a lock event we know nothing about: ask our watcher to look again.
        case reobserveLocally(ObservationID)
        /// Quorum reached (or its submission set changed): store it, hand it to the submitter.
        case markQuorum(QuorumRecord)
        /// Equivocation removed a member and the set fell below quorum.
        case revokeQuorum(ObservationID, digest: [UInt8])
        /// Gossip quorum sets so late validators store them.
        case broadcastAttestations([SignatureSet])
        case recordEvidence(EquivocationEvidence)
        /// No quorum before the give-up deadline.
        case markExpired([ObservationID])
    }

    /// Number of digests held in memory.
    public var entryCount: Int { entries.count }

    /// True when `digest` was given up or left memory after quorum: nothing more is taken for it.
    public func isFinal(_ digest: [UInt8]) -> Bool { finalDigests.contains(DigestKey(digest)) }

    /// The quorum record for `digest`, if reached.
    public func quorum(for digest: [UInt8]) -> QuorumRecord? { entries[DigestKey(digest)]?.quorum }

    /// Every counted signature for `digest`, ordered by validator.
    public func signatures(for digest: [UInt8]) -> [ValidatorSignature] {
        guard let entry = entries[DigestKey(digest)] else { return [] }
        return entry.signatures.signatures
    }

    /// Validators caught equivocating on `id`.
    public func equivocators(for id: ObservationID) -> Set<[UInt8]> { equivocators[id] ?? [] }

    /// Observation ids with equivocation evidence in memory.
    public var equivocationIDCount: Int { equivocators.count }
}
