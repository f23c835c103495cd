// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
public import Logging
public import CoreMetrics
public import ServiceLifecycle

/// Runs the `AdminProposalPool` against its ports: the bridge gossip (inbound and publish), the
/// store, this node's key and the Koinos contract. The operator's acts (`propose`, `approve`,
/// `submit`) come in through the local admin socket only; nothing here signs on its own.
public actor AdminProposalService: Service {
    let repository: any AdminProposalRepository
    let signer: any AttestationSigner
    let gossip: any AdminProposalGossip
    let contract: any AdminContractPort
    let clock: any BridgeClock
    let hashing: any DigestHashing
    let logger: Logger
    var pool: AdminProposalPool
    /// How often expired proposals are dropped, our own re-gossiped when due and the validator set re-read.
    let tickInterval: Duration
    /// The contract's current validator set (read at every tick); nil keeps the initial one.
    let validatorSource: (@Sendable () -> ValidatorSet)?
    /// Where `bridge_admin_*` metrics go (the global system unless a test passes its own).
    let metricsFactory: any MetricsFactory

    public init(
        repository: any AdminProposalRepository, signer: any AttestationSigner, gossip: any AdminProposalGossip,
        contract: any AdminContractPort, clock: any BridgeClock, hashing: any DigestHashing, validators: ValidatorSet,
        configuration: AdminProposalPoolConfiguration, tickInterval: Duration = .seconds(5),
        validatorSource: (@Sendable () -> ValidatorSet)? = nil, logger: Logger = Logger(label: "bridge.admin"),
        metricsFactory: (any MetricsFactory)? = nil
    ) {
        self.metricsFactory = metricsFactory ?? MetricsSystem.factory
        self.validatorSource = validatorSource
        self.repository = repository
        self.signer = signer
        self.gossip = gossip
        self.contract = contract
        self.clock = clock
        self.hashing = hashing
        self.logger = logger
        self.tickInterval = tickInterval
        self.pool = AdminProposalPool(validators: validators, configuration: configuration, hashing: hashing)
    }

    public func run() async throws {
        try await restore()
        let inbound = gossip.inboundAdminProposals()
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { for await message in inbound { await self.handle(message) } }
                group.addTask {
                    while !Task.isCancelled {
                        await self.tick()
                        try? await Task.sleep(for: self.tickInterval)
                    }
                }
                await group.next()
                group.cancelAll()
            }
        }
    }

    /// Loads stored proposals (after a restart) and drops the expired ones.
    public func restore() async throws {
        for stored in try await repository.adminProposals() { pool.restore(stored) }
        await tick()
    }

    public func handle(_ message: InboundAdminProposal) async {
        await perform(pool.receive(
            message.signed.proposal, signatures: message.signed.signatures, from: message.sender, atMilliseconds: clock.nowMilliseconds))
    }

    public func tick() async {
        if let validatorSource { pool.updateValidators(validatorSource()) }
        let now = clock.nowMilliseconds
        await perform(pool.tick(atMilliseconds: now))
        await perform(pool.rebroadcast(signedBy: signer.validatorAddress, atMilliseconds: now))
    }

    public func updateValidators(_ set: ValidatorSet) { pool.updateValidators(set) }

    /// Every proposal held, newest first.
    public func proposals() -> [AdminProposalState] { pool.proposals }

    /// The one proposal whose id starts with `prefix`.
    public func proposal(_ prefix: String) throws(AdminCommandError) -> AdminProposalState {
        let found = pool.matching(prefix)
        guard found.count == 1, let only = found.first else { throw found.isEmpty ? AdminCommandError.unknownProposal(prefix) : AdminCommandError.ambiguous(prefix) }
        return only
    }

    /// The contract call for a proposal at quorum (nil below it).
    public func readyCall(_ state: AdminProposalState) -> AdminContractCall? { contract.readyCall(state) }
}

/// Why an operator command failed (printed by the CLI as is).
public enum AdminCommandError: Error, Sendable, Hashable, CustomStringConvertible {
    case unknownProposal(String)
    case ambiguous(String)
    case refused(AdminProposalRefusal)
    case notAValidator
    case notReady(have: Int, required: Int)
    case chain(String)

    public var description: String {
        switch self {
        case .unknownProposal(let id): "no proposal \(id)"
        case .ambiguous(let id): "\(id) matches several proposals: give more of the id"
        case .refused(let reason): "refused: \(reason.rawValue)"
        case .notAValidator: "this node's key is not in the contract's validator set"
        case .notReady(let have, let required): "not at quorum: \(have) of \(required) signatures"
        case .chain(let message): "Koinos: \(message)"
        }
    }
}
