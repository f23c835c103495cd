// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
public import Logging
public import CoreMetrics
public import ServiceLifecycle

/// Runs the `AdminProposalPool` against its ports: the bridge gossip (inbound and publish), the
/// store, this node's key and one bridge contract (Koinos or Ethereum: one service per contract). The operator's acts (`propose`, `approve`,
/// `submit`) come in through the local admin socket only; nothing here signs on its own.
public actor AdminProposalService: Service {
    let repository: any AdminProposalRepository
    let signer: any AdminSigning
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
    /// The same, read from the chain (the Ethereum contract's set) when `validatorRefresh` says so;
    /// a failed read keeps the last one.
    let validatorReader: (@Sendable () async throws -> ValidatorSet)?
    var validatorRefresh = ContractValidatorRefresh()
    /// The `bridge_admin_*` metrics, on the global system unless a test passes its own factory.
    let metrics: AdminProposalMetrics

    /// For the Koinos contract, signing with the node's attestation signer (its Koinos signatures).
    public init(
        repository: any AdminProposalRepository, signer: any AttestationSigner, gossip: any AdminProposalGossip,
        contract: any AdminContractPort, clock: any BridgeClock, hashing: any DigestHashing, validators: ValidatorSet,
        configuration: AdminProposalPoolConfiguration, tickInterval: Duration = .seconds(5),
        validatorSource: (@Sendable () -> ValidatorSet)? = nil, logger: Logger = Logger(label: "bridge.admin"),
        metricsFactory: (any MetricsFactory)? = nil
    ) {
        self.init(
            repository: repository, adminSigner: KoinosAttestationAdminSigner(signer), gossip: gossip, contract: contract, clock: clock,
            hashing: hashing, validators: validators, configuration: configuration, tickInterval: tickInterval,
            validatorSource: validatorSource, logger: logger, metricsFactory: metricsFactory)
    }

    /// - Parameters:
    ///   - adminSigner: the key the contract checks (Koinos or Ethereum signatures, per `configuration.adminChain`).
    ///   - validatorSource: the contract's current set, read at every tick (the Ethereum contract's
    ///     addresses for an Ethereum service).
    public init(
        repository: any AdminProposalRepository, adminSigner: any AdminSigning, gossip: any AdminProposalGossip,
        contract: any AdminContractPort, clock: any BridgeClock, hashing: any DigestHashing, validators: ValidatorSet,
        configuration: AdminProposalPoolConfiguration, tickInterval: Duration = .seconds(5),
        validatorSource: (@Sendable () -> ValidatorSet)? = nil, validatorReader: (@Sendable () async throws -> ValidatorSet)? = nil,
        logger: Logger = Logger(label: "bridge.admin"), metricsFactory: (any MetricsFactory)? = nil
    ) {
        self.metrics = AdminProposalMetrics(factory: metricsFactory ?? MetricsSystem.factory)
        self.validatorSource = validatorSource
        self.validatorReader = validatorReader
        self.repository = repository
        self.signer = adminSigner
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
        let inbound = gossip.inboundAdminProposals(for: pool.configuration.adminChain)
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
        for stored in try await repository.adminProposals() where stored.proposal.chain == pool.configuration.adminChain {
            pool.restore(stored)
        }
        await tick()
    }

    public func handle(_ message: InboundAdminProposal) async {
        await perform(pool.receive(
            message.signed.proposal, signatures: message.signed.signatures, from: message.sender, atMilliseconds: clock.nowMilliseconds))
    }

    public func tick() async {
        if let validatorSource { pool.updateValidators(validatorSource()) }
        let chainNonce = await readChainNonce()
        if let validatorReader, validatorRefresh.isDue(chainNonce: chainNonce, atMilliseconds: clock.nowMilliseconds) {
            do {
                pool.updateValidators(try await validatorReader())
                validatorRefresh.didRead(chainNonce: chainNonce, atMilliseconds: clock.nowMilliseconds)
            } catch {
                logger.debug("Cannot read the contract's validator set", metadata: ["error": "\(error)"])
            }
        }
        if let chainNonce { await perform(pool.updateChainNonce(chainNonce)) }
        let now = clock.nowMilliseconds
        await perform(pool.tick(atMilliseconds: now))
        await perform(pool.rebroadcast(signedBy: signer.adminAddress, atMilliseconds: now))
    }

    /// Reads the contract's nonce and drops the proposals it made stale (a failed read keeps the
    /// last one known); returns it.
    @discardableResult
    func refreshChainNonce() async -> UInt64? {
        guard let nonce = await readChainNonce() else { return pool.chainNonce }
        await perform(pool.updateChainNonce(nonce))
        return nonce
    }

    /// The contract's nonce now; nil (logged) when it cannot be read.
    func readChainNonce() async -> UInt64? {
        do { return try await contract.currentNonce() } catch {
            logger.debug("Cannot read the contract's admin nonce", metadata: ["error": "\(error)"])
            return nil
        }
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
    /// The contract's nonce moved past the proposal's: it can never execute.
    case staleNonce(proposal: UInt64, contract: UInt64)

    public var description: String {
        switch self {
        case .unknownProposal(let id): "no proposal \(id)"
        case .ambiguous(let id): "\(id) matches several proposals: give more of the id"
        case .refused(let reason): "refused: \(reason.rawValue)"
        case .notAValidator: "this node's key is not in the contract's validator set"
        case .notReady(let have, let required): "not at quorum: \(have) of \(required) signatures"
        case .chain(let message): "chain: \(message)"
        case .staleNonce(let proposal, let contract):
            "stale: the proposal names nonce \(proposal) but the contract is at \(contract) (another admin call executed); propose it again"
        }
    }
}

/// An `AttestationSigner` used for the Koinos contract's admin digests (its Koinos signatures).
struct KoinosAttestationAdminSigner: AdminSigning {
    let signer: any AttestationSigner

    init(_ signer: any AttestationSigner) { self.signer = signer }

    var adminAddress: [UInt8] { signer.validatorAddress }

    func signAdmin(digest: [UInt8]) throws -> [UInt8] { try signer.signKoinos(digest: digest) }
}
