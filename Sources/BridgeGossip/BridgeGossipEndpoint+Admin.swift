// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import CoreMetrics
import Synchronization

/// Admin-action proposals on the bridge topic: published by an operator act, validated like every
/// other message (sender bound and in the set, envelope signature), then each carried signature
/// recovered to its claimed validator before `AdminProposalPool` sees it.
extension BridgeGossipEndpoint: AdminProposalGossip {
    public func publish(adminProposal: SignedAdminProposal) async {
        await send(.adminProposal(adminProposal))
    }

    public func inboundAdminProposals(for chain: AdminChain) -> AsyncStream<InboundAdminProposal> {
        let (stream, continuation) = AsyncStream.makeStream(of: InboundAdminProposal.self, bufferingPolicy: .bufferingOldest(256))
        state.withLock { $0.adminContinuations[chain] = continuation }
        return stream
    }

    func validateAdminProposal(_ signed: SignedAdminProposal, from sender: [UInt8]) -> BridgeValidationResult {
        let validators = state.withLock { $0.validators }
        guard !signed.signatures.isEmpty else { return .reject(.empty) }
        guard signed.signatures.count <= max(validators.count, 1) else { return .reject(.tooManyItems) }
        guard Set(signed.signatures.map(\.validator)).count == signed.signatures.count else { return .reject(.malformed) }
        let now = clock.nowMilliseconds
        let budget = state.withLock { $0.itemBudget.take(signed.signatures.count, validator: sender, limit: configuration.itemLimit, now: now) }
        guard budget else { return .ignore(.itemRateLimited) }
        // Koinos proposals carry Koinos signatures; Ethereum ones `r ‖ s ‖ v` recovering to the
        // validator's Ethereum address (the contract's `ecrecover`).
        let digest = signed.proposal.digest
        for member in signed.signatures {
            let signer = switch signed.proposal.chain {
            case .koinos: verifier.recoverKoinosAddress(digest: digest, signature: member.signature)
            case .ethereum: verifier.recoverEthereumAddress(digest: digest, signature: member.signature)
            }
            guard signer == member.validator else { return .reject(.badItemSignature) }
        }
        let continuation = state.withLock { $0.adminContinuations[signed.proposal.chain] }
        if case .dropped = continuation?.yield(InboundAdminProposal(signed: signed, sender: sender)) {
            metrics.dropped(.admin).increment()
        }
        return .accept([])
    }
}
