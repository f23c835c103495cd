// SPDX-License-Identifier: Apache-2.0
public import BridgeCore

/// What `AdminProposalPool` accepts: the contract this node serves and its bounds.
public struct AdminProposalPoolConfiguration: Sendable {
    public var profile: ContractProfile
    /// Which bridge contract the pool serves.
    public var adminChain: AdminChain
    /// The bridge contract (Koinos contract id, 25 bytes; Ethereum bridge address, 20 bytes): a
    /// proposal for another contract is refused.
    public var contract: [UInt8]
    /// v2: the chain id the contract appends to admin digests (0 for v1).
    public var chain: UInt32
    /// Proposals held at once (memory and store are bounded by it).
    public var maxProposals: Int
    /// Live proposals one validator may have proposed at once (a validator cannot fill the pool).
    public var maxPerProposer: Int
    /// A proposal expiring further ahead than this is refused (signatures that stay valid for
    /// months are a standing risk).
    public var maxLifetimeMilliseconds: UInt64

    public init(
        profile: ContractProfile, contract: [UInt8], chain: UInt32 = 0, maxProposals: Int = 64, maxPerProposer: Int = 4,
        maxLifetimeMilliseconds: UInt64 = 7 * 24 * 3_600_000, adminChain: AdminChain = .koinos
    ) {
        self.profile = profile
        self.adminChain = adminChain
        self.contract = contract
        self.chain = chain
        self.maxProposals = maxProposals
        self.maxPerProposer = maxPerProposer
        self.maxLifetimeMilliseconds = maxLifetimeMilliseconds
    }
}

/// Why the pool did not take a proposal or a signature (the `reason` label of
/// `bridge_admin_proposals_refused_total`).
public enum AdminProposalRefusal: String, Sendable, Hashable, CaseIterable {
    /// The proposer or the sender is not in the current validator set.
    case nonValidator = "non_validator"
    /// The claimed digest is not sha256 of the decoded fields.
    case digestMismatch = "digest_mismatch"
    case expired
    /// Expires further ahead than `maxLifetimeMilliseconds`.
    case tooLongLived = "too_long_lived"
    /// Another contract, profile or chain id than this node's.
    case wrongContract = "wrong_contract"
    /// An action id or target that is not an admin action (e.g. complete_transfer).
    case notAdminAction = "not_admin_action"
    /// The proposer's own signature is missing.
    case unsignedByProposer = "unsigned_by_proposer"
    /// The proposal's nonce is below the contract's current one: it can never execute.
    case staleNonce = "stale_nonce"
    /// The pool or the proposer's share of it is full.
    case full
    /// `approve`/`submit` for a digest the pool does not hold.
    case unknownProposal = "unknown_proposal"
}
