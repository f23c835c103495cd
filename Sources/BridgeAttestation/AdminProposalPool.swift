// SPDX-License-Identifier: Apache-2.0
public import BridgeCore

/// Admin-action proposals and their signatures, up to the contract's quorum.
///
/// Pure: no I/O, no clock of its own (every call takes `now`). Signatures reaching it were
/// recovered already (by the gossip endpoint, or are our own); the pool decides what counts:
/// - a proposal is taken only from a current validator, for this node's contract, profile and
///   chain, with a digest equal to sha256 of its decoded fields, signed by its proposer, not
///   expired and not expiring more than `maxLifetimeMilliseconds` ahead;
/// - signatures count only from distinct current validators; quorum is Q(N) of the profile, and the
///   call carries exactly the first Q(N) by address (as transfers);
/// - approving is never automatic: only `approve` (an operator act) adds this node's signature;
/// - expired proposals are dropped by `tick`;
/// - a proposal whose nonce is below the contract's current nonce (`updateChainNonce`) can never
///   execute: refused on receipt, dropped when held.
///
/// One pool serves one contract (`configuration.adminChain`): Koinos (sha256 digests, 25-byte
/// addresses) or Ethereum (EIP-191 digests, the Ethereum contract's 20-byte validator addresses).
public struct AdminProposalPool: Sendable {
    public internal(set) var validators: ValidatorSet
    public let configuration: AdminProposalPoolConfiguration
    let hashing: any DigestHashing
    /// Digest → entry.
    var entries: [[UInt8]: Entry] = [:]
    /// The contract's admin nonce as last read (nil until read).
    public internal(set) var chainNonce: UInt64?

    struct Entry: Sendable {
        var proposal: AdminProposal
        /// Validator → signature, every one recovered to that validator before it got here.
        var signatures: [[UInt8]: [UInt8]]
        var submittedTransaction: [UInt8]?
        /// When this node gossips the proposal again (0: not scheduled yet), and the pause after that.
        var rebroadcastAtMilliseconds: UInt64 = 0
        var rebroadcastEveryMilliseconds: UInt64 = AdminProposalPool.firstRebroadcastMilliseconds
    }

    /// A proposal this node signed is gossiped again after 10 s, then with a doubling pause up to
    /// 10 min, until it expires or this node submitted it: a publish before the topic mesh formed,
    /// or while a validator was away, is not lost.
    static let firstRebroadcastMilliseconds: UInt64 = 10_000
    static let maxRebroadcastMilliseconds: UInt64 = 600_000

    /// What the caller must do after an input.
    public enum Action: Sendable, Hashable {
        /// Store the proposal and its signatures (insert or update).
        case persist(AdminProposalState)
        /// Gossip the proposal with every signature we hold.
        case broadcast(AdminProposalState)
        /// Count a refused proposal or signature.
        case refused(AdminProposalRefusal)
        /// Quorum reached: the call can be submitted.
        case ready(AdminProposalState)
        /// These proposals expired: delete them.
        case dropExpired([[UInt8]])
        /// The contract's nonce moved past these proposals (another admin call executed, or they
        /// did): delete them.
        case dropStale([[UInt8]])
    }

    public init(validators: ValidatorSet, configuration: AdminProposalPoolConfiguration, hashing: any DigestHashing) {
        self.validators = validators
        self.configuration = configuration
        self.hashing = hashing
    }

    /// Every proposal held, newest first.
    public var proposals: [AdminProposalState] {
        entries.values.map(state).sorted { a, b in
            a.proposal.proposedAtMilliseconds != b.proposal.proposedAtMilliseconds
                ? a.proposal.proposedAtMilliseconds > b.proposal.proposedAtMilliseconds
                : a.proposal.digest.lexicographicallyPrecedes(b.proposal.digest)
        }
    }

    /// The proposal with this digest, if held.
    public func proposal(_ digest: [UInt8]) -> AdminProposalState? { entries[digest].map(state) }

    /// The proposals whose id (digest hex, `0x` optional) starts with `prefix`.
    public func matching(_ prefix: String) -> [AdminProposalState] {
        let wanted = prefix.lowercased().hasPrefix("0x") ? prefix.lowercased() : "0x" + prefix.lowercased()
        guard wanted.count > 2 else { return [] }
        return proposals.filter { $0.proposal.id.hasPrefix(wanted) }
    }

    func state(_ entry: Entry) -> AdminProposalState {
        let counted = entry.signatures
            .filter { validators.contains($0.key) }
            .map { ValidatorSignature(validator: $0.key, signature: $0.value) }
            .sorted { $0.validator.lexicographicallyPrecedes($1.validator) }
        return AdminProposalState(
            proposal: entry.proposal, signatures: counted, required: validators.count == 0 ? 0 : validators.quorum(entry.proposal.message.profile),
            submittedTransaction: entry.submittedTransaction)
    }
}
