// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import Logging

extension AdminProposalService {
    /// `admin propose`: the digest of §2.4 for this contract with its current nonce, signed by this
    /// node and published.
    public func propose(_ kind: AdminActionKind, address: [UInt8]?, lifetimeMilliseconds: UInt64) async throws(AdminCommandError) -> AdminProposalState {
        guard pool.validators.contains(signer.adminAddress) else { throw .notAValidator }
        let nonce: UInt64
        do { nonce = try await contract.currentNonce() } catch { throw .chain("\(error)") }
        let now = clock.nowMilliseconds
        let target: AdminActionMessage.Target
        switch kind {
        case .pause: target = .pause(true)
        case .unpause: target = .pause(false)
        default:
            guard let address, address.count == pool.configuration.adminChain.addressLength else { throw .refused(.notAdminAction) }
            target = .address(address)
        }
        let configuration = pool.configuration
        await perform(pool.updateChainNonce(nonce))
        let message = AdminActionMessage(
            profile: configuration.profile, action: kind.action, target: target, nonce: nonce, contract: configuration.contract,
            expiration: now &+ lifetimeMilliseconds, chain: configuration.profile == .v2 ? configuration.chain : 0)
        let proposal = AdminProposal(
            message: message, proposer: signer.adminAddress, proposedAtMilliseconds: now, hashing: hashing, chain: configuration.adminChain)
        let own = try sign(proposal.digest)
        let actions = pool.propose(proposal, own: own, atMilliseconds: now)
        if let refusal = refusal(in: actions) { throw .refused(refusal) }
        await perform(actions)
        logger.notice("Admin action proposed by the operator", metadata: ["admin.id": "\(proposal.id)", "admin.action": "\(kind.rawValue)", "admin.nonce": "\(nonce)"])
        return try self.proposal(proposal.id)
    }

    /// `admin approve ID`: this node signs the proposal (an explicit operator act) and publishes it.
    public func approve(_ prefix: String) async throws(AdminCommandError) -> AdminProposalState {
        let state = try proposal(prefix)
        let own = try sign(state.proposal.digest)
        let actions = pool.approve(state.proposal.digest, own: own, atMilliseconds: clock.nowMilliseconds)
        if let refusal = refusal(in: actions) { throw .refused(refusal) }
        await perform(actions)
        logger.notice("Admin action approved by the operator", metadata: ["admin.id": "\(state.proposal.id)"])
        return try proposal(state.proposal.id)
    }

    /// `admin submit ID`: sends the quorum call to the contract; returns the transaction id.
    public func submit(_ prefix: String) async throws(AdminCommandError) -> [UInt8] {
        let state = try proposal(prefix)
        guard let call = contract.readyCall(state) else { throw .notReady(have: state.signatures.count, required: state.required) }
        // The contract's nonce now: a proposal it has moved past is dropped (and counted), not sent to revert.
        let chainNonce: UInt64
        do { chainNonce = try await contract.currentNonce() } catch { throw .chain("\(error)") }
        await perform(pool.updateChainNonce(chainNonce))
        guard state.proposal.message.nonce >= chainNonce else {
            throw .staleNonce(proposal: state.proposal.message.nonce, contract: chainNonce)
        }
        let transaction: [UInt8]
        do { transaction = try await contract.submit(call) } catch { throw .chain("\(error)") }
        await perform(pool.markSubmitted(state.proposal.digest, transaction: transaction))
        logger.notice("Admin action submitted", metadata: ["admin.id": "\(state.proposal.id)", "admin.chain": "\(pool.configuration.adminChain.rawValue)", "admin.tx": "\(Hex.encode(transaction))"])
        return transaction
    }

    private func sign(_ digest: [UInt8]) throws(AdminCommandError) -> ValidatorSignature {
        guard pool.validators.contains(signer.adminAddress) else { throw .notAValidator }
        do {
            return ValidatorSignature(validator: signer.adminAddress, signature: try signer.signAdmin(digest: digest))
        } catch {
            throw .chain("signing failed: \(error)")
        }
    }

    private func refusal(in actions: [AdminProposalPool.Action]) -> AdminProposalRefusal? {
        for case .refused(let reason) in actions { return reason }
        return nil
    }

    /// The one interpreter of the pool's actions.
    func perform(_ actions: [AdminProposalPool.Action]) async {
        for action in actions {
            do {
                switch action {
                case .persist(let state): try await repository.saveAdminProposal(state)
                case .broadcast(let state):
                    await gossip.publish(adminProposal: SignedAdminProposal(proposal: state.proposal, signatures: state.signatures))
                case .refused(let reason):
                    metrics.refused(reason)
                    logger.warning("Admin proposal refused", metadata: ["reason": "\(reason.rawValue)"])
                case .ready(let state):
                    metrics.ready()
                    logger.notice("Admin proposal reached quorum", metadata: ["admin.id": "\(state.proposal.id)"])
                case .dropExpired(let digests):
                    metrics.expired(digests.count)
                    try await repository.deleteAdminProposals(digests)
                case .dropStale(let digests):
                    metrics.stale(digests.count)
                    logger.notice("Admin proposals dropped: the contract's nonce moved past them", metadata: [
                        "admin.ids": "\(digests.map { Hex.encode($0) })", "admin.nonce": "\(pool.chainNonce.map { "\($0)" } ?? "?")",
                    ])
                    try await repository.deleteAdminProposals(digests)
                }
            } catch {
                metrics.storeFailed()
                logger.error("Admin proposal store write failed", metadata: ["error": "\(error)"])
            }
        }
    }
}
