// SPDX-License-Identifier: Apache-2.0

/// The admin actions an operator can propose for the Koinos bridge contract (bridge-contracts.md §2.4),
/// by the names the CLI and the admin socket use.
public enum AdminActionKind: String, Sendable, Hashable, CaseIterable, Codable {
    case addValidator = "add-validator"
    case removeValidator = "remove-validator"
    case addToken = "add-token"
    case removeToken = "remove-token"
    case addWrappedToken = "add-wrapped-token"
    case removeWrappedToken = "remove-wrapped-token"
    case pause
    case unpause

    /// The contract's ActionId (shared by both chains).
    public var action: BridgeAction {
        switch self {
        case .addValidator: .addValidator
        case .removeValidator: .removeValidator
        case .addToken: .addSupportedToken
        case .removeToken: .removeSupportedToken
        case .addWrappedToken: .addSupportedWrappedToken
        case .removeWrappedToken: .removeSupportedWrappedToken
        case .pause, .unpause: .setPause
        }
    }

    /// True for the actions that name an address (validator or token); false for pause/unpause.
    public var takesAddress: Bool { action != .setPause }

    /// The kind a decoded digest message stands for; nil for action ids that are not admin actions.
    public init?(_ message: AdminActionMessage) {
        switch (message.action, message.target) {
        case (.addValidator, .address): self = .addValidator
        case (.removeValidator, .address): self = .removeValidator
        case (.addSupportedToken, .address): self = .addToken
        case (.removeSupportedToken, .address): self = .removeToken
        case (.addSupportedWrappedToken, .address): self = .addWrappedToken
        case (.removeSupportedWrappedToken, .address): self = .removeWrappedToken
        case (.setPause, .pause(let paused)): self = paused ? .pause : .unpause
        default: return nil
        }
    }
}

/// The bridge contract an admin action is for: the Koinos contract (sha256 of proto3, Koinos keys,
/// 25-byte addresses) or the Ethereum contract (EIP-191 over keccak256 of the packed values,
/// Ethereum keys, 20-byte addresses).
public enum AdminChain: String, Sendable, Hashable, CaseIterable, Codable {
    case koinos
    case ethereum

    /// Byte length of the addresses a proposal for this contract names (validator, token, contract, proposer).
    public var addressLength: Int { self == .koinos ? 25 : 20 }
}

/// One admin action proposed to the validators for one bridge contract: its decoded fields,
/// the digest every signer signs, and who proposed it.
///
/// The digest is never taken on trust from the network: `AdminProposalPool` recomputes it from
/// the decoded fields (`expectedDigest`) and refuses a proposal whose digest differs.
public struct AdminProposal: Sendable, Hashable {
    /// The fields of the contract's `add_remove_action_hash` / `set_pause_action_hash`.
    public var message: AdminActionMessage
    /// sha256 of `message.koinosEncoded()` as the proposal claims it (32 bytes).
    public var digest: [UInt8]
    /// Koinos address (25 bytes) of the validator that proposed it; its signature is always included.
    public var proposer: [UInt8]
    public var proposedAtMilliseconds: UInt64
    /// Which contract executes it (and so which digest, keys and address size apply).
    public var chain: AdminChain

    public init(message: AdminActionMessage, digest: [UInt8], proposer: [UInt8], proposedAtMilliseconds: UInt64, chain: AdminChain = .koinos) {
        self.message = message
        self.digest = digest
        self.proposer = proposer
        self.proposedAtMilliseconds = proposedAtMilliseconds
        self.chain = chain
    }

    /// A proposal whose digest is computed from `message`.
    public init(
        message: AdminActionMessage, proposer: [UInt8], proposedAtMilliseconds: UInt64, hashing: any DigestHashing, chain: AdminChain = .koinos
    ) {
        self.init(
            message: message, digest: Self.expectedDigest(message, chain: chain, hashing: hashing), proposer: proposer,
            proposedAtMilliseconds: proposedAtMilliseconds, chain: chain)
    }

    /// The proposal id: the digest in hex (what `admin show ID` and the HTTP API take).
    public var id: String { Hex.encode(digest) }

    public var kind: AdminActionKind? { AdminActionKind(message) }

    /// What the contract checks the signatures against: Koinos, sha256 of the proto3 admin-action
    /// message; Ethereum, the EIP-191 digest of keccak256 of the packed values (contracts/ethereum/Bridge.vy
    /// `_authorize`: `keccak256("\x19Ethereum Signed Message:\n32" ‖ keccak256(packed))`).
    public static func expectedDigest(_ message: AdminActionMessage, chain: AdminChain = .koinos, hashing: any DigestHashing) -> [UInt8] {
        switch chain {
        case .koinos: hashing.sha256(message.koinosEncoded())
        case .ethereum: hashing.keccak256(Array("\u{19}Ethereum Signed Message:\n32".utf8) + hashing.keccak256(message.ethereumPacked()))
        }
    }
}

/// A proposal with the signatures collected so far, as the pool reports it.
public struct AdminProposalState: Sendable, Hashable {
    public var proposal: AdminProposal
    /// Counted signatures (distinct current validators), ordered by validator address.
    public var signatures: [ValidatorSignature]
    /// Q(N) of the current set under the proposal's profile.
    public var required: Int
    /// The transaction id (Koinos) or hash (Ethereum) once this node submitted the call.
    public var submittedTransaction: [UInt8]?

    public init(proposal: AdminProposal, signatures: [ValidatorSignature], required: Int, submittedTransaction: [UInt8]? = nil) {
        self.proposal = proposal
        self.signatures = signatures
        self.required = required
        self.submittedTransaction = submittedTransaction
    }

    /// True once Q(N) distinct current validators signed.
    public var isReady: Bool { required > 0 && signatures.count >= required }

    /// Exactly the signatures the contract call carries: the first Q(N) by address; nil below quorum.
    public var submissionSet: [ValidatorSignature]? { isReady ? Array(signatures.prefix(required)) : nil }
}

/// A proposal with signatures as it travels between validators (gossip kind 16).
public struct SignedAdminProposal: Sendable, Hashable {
    public var proposal: AdminProposal
    public var signatures: [ValidatorSignature]

    public init(proposal: AdminProposal, signatures: [ValidatorSignature]) {
        self.proposal = proposal
        self.signatures = signatures
    }
}

/// A validated inbound proposal: every signature recovered to its validator, `sender` (the gossip
/// envelope's signer) in the current set.
public struct InboundAdminProposal: Sendable, Hashable {
    public var signed: SignedAdminProposal
    public var sender: [UInt8]

    public init(signed: SignedAdminProposal, sender: [UInt8]) {
        self.signed = signed
        self.sender = sender
    }
}

/// Where admin proposals are published and received (the bridge gossip topic in production).
public protocol AdminProposalGossip: Sendable {
    func publish(adminProposal: SignedAdminProposal) async
    /// Validated inbound proposals for one contract; one consumer per chain.
    func inboundAdminProposals(for chain: AdminChain) -> AsyncStream<InboundAdminProposal>
}
