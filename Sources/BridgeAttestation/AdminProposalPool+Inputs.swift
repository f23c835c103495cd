// SPDX-License-Identifier: Apache-2.0
public import BridgeCore

extension AdminProposalPool {
    /// This node proposes `proposal` with its own signature over the digest (an operator act).
    public mutating func propose(_ proposal: AdminProposal, own: ValidatorSignature, atMilliseconds now: UInt64) -> [Action] {
        guard own.validator == proposal.proposer else { return [.refused(.unsignedByProposer)] }
        return receive(proposal, signatures: [own], from: own.validator, atMilliseconds: now)
    }

    /// This node signs a held proposal (an operator act: `admin approve ID`).
    public mutating func approve(_ digest: [UInt8], own: ValidatorSignature, atMilliseconds now: UInt64) -> [Action] {
        guard var entry = entries[digest] else { return [.refused(.unknownProposal)] }
        guard entry.proposal.message.expiration >= now else { return tick(atMilliseconds: now) + [.refused(.expired)] }
        if let chainNonce, entry.proposal.message.nonce < chainNonce { return updateChainNonce(chainNonce) + [.refused(.staleNonce)] }
        guard validators.contains(own.validator) else { return [.refused(.nonValidator)] }
        let wasReady = state(entry).isReady
        entry.signatures[own.validator] = own.signature
        entries[digest] = entry
        return changed(entry, wasReady: wasReady, broadcast: true)
    }

    /// A proposal from the network with the signatures it carries, each already recovered to its
    /// validator; `sender` is the validator that signed the gossip envelope.
    public mutating func receive(
        _ proposal: AdminProposal, signatures: [ValidatorSignature], from sender: [UInt8], atMilliseconds now: UInt64
    ) -> [Action] {
        if let refusal = check(proposal, signatures: signatures, sender: sender, now: now) { return [.refused(refusal)] }
        let counted = signatures.filter { validators.contains($0.validator) }
        if var entry = entries[proposal.digest] {
            let wasReady = state(entry).isReady
            var added = false
            for signature in counted where entry.signatures[signature.validator] == nil {
                entry.signatures[signature.validator] = signature.signature
                added = true
            }
            guard added else { return [] }
            entries[proposal.digest] = entry
            return changed(entry, wasReady: wasReady, broadcast: false)
        }
        let live = entries.values.filter { $0.proposal.proposer == proposal.proposer }.count
        guard entries.count < configuration.maxProposals, live < configuration.maxPerProposer else { return [.refused(.full)] }
        let entry = Entry(
            proposal: proposal, signatures: Dictionary(counted.map { ($0.validator, $0.signature) }, uniquingKeysWith: { a, _ in a }))
        entries[proposal.digest] = entry
        // A new proposal is relayed once by whoever first takes it, so validators that joined the
        // mesh late still see it; repeats of known ones are not (no gossip storm).
        return changed(entry, wasReady: false, broadcast: true)
    }

    /// Drops proposals whose expiration (ms, inclusive as the contract compares it) has passed.
    public mutating func tick(atMilliseconds now: UInt64) -> [Action] {
        let expired = entries.values.filter { $0.proposal.message.expiration < now }.map(\.proposal.digest)
            .sorted { $0.lexicographicallyPrecedes($1) }
        guard !expired.isEmpty else { return [] }
        for digest in expired { entries[digest] = nil }
        return [.dropExpired(expired)]
    }

    /// The proposals `validator` (this node) signed and has not submitted, due to be gossiped again.
    public mutating func rebroadcast(signedBy validator: [UInt8], atMilliseconds now: UInt64) -> [Action] {
        var actions: [Action] = []
        for digest in entries.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            guard var entry = entries[digest], entry.signatures[validator] != nil, entry.submittedTransaction == nil else { continue }
            if entry.rebroadcastAtMilliseconds == 0 {
                entry.rebroadcastAtMilliseconds = now &+ entry.rebroadcastEveryMilliseconds
            } else if now >= entry.rebroadcastAtMilliseconds {
                entry.rebroadcastEveryMilliseconds = min(entry.rebroadcastEveryMilliseconds * 2, Self.maxRebroadcastMilliseconds)
                entry.rebroadcastAtMilliseconds = now &+ entry.rebroadcastEveryMilliseconds
                actions.append(.broadcast(state(entry)))
            }
            entries[digest] = entry
        }
        return actions
    }

    /// The contract's current admin nonce (read from the chain): held proposals with a lower nonce
    /// are dropped, later ones with a lower nonce refused.
    public mutating func updateChainNonce(_ nonce: UInt64) -> [Action] {
        chainNonce = max(chainNonce ?? 0, nonce)
        let stale = entries.values.filter { $0.proposal.message.nonce < nonce }.map(\.proposal.digest)
            .sorted { $0.lexicographicallyPrecedes($1) }
        guard !stale.isEmpty else { return [] }
        for digest in stale { entries[digest] = nil }
        return [.dropStale(stale)]
    }

    /// Replaces the validator set; signatures of removed validators stop counting.
    public mutating func updateValidators(_ set: ValidatorSet) { validators = set }

    /// Records the transaction that carried the call.
    public mutating func markSubmitted(_ digest: [UInt8], transaction: [UInt8]) -> [Action] {
        guard var entry = entries[digest] else { return [.refused(.unknownProposal)] }
        entry.submittedTransaction = transaction
        entries[digest] = entry
        return [.persist(state(entry))]
    }

    /// A proposal (and signatures) restored from the store after a restart; not re-checked
    /// against the set (it may have changed) but expired ones are left out by the next `tick`.
    public mutating func restore(_ stored: AdminProposalState) {
        entries[stored.proposal.digest] = Entry(
            proposal: stored.proposal,
            signatures: Dictionary(stored.signatures.map { ($0.validator, $0.signature) }, uniquingKeysWith: { a, _ in a }),
            submittedTransaction: stored.submittedTransaction)
    }

    /// Every rule a proposal must meet before anything of it is kept; nil when it passes.
    func check(_ proposal: AdminProposal, signatures: [ValidatorSignature], sender: [UInt8], now: UInt64) -> AdminProposalRefusal? {
        let message = proposal.message
        let chain = configuration.adminChain
        guard validators.contains(proposal.proposer) else { return .nonValidator }
        // The gossip sender is a Koinos address: for the Koinos contract it must be in the set; the
        // Ethereum set holds Ethereum addresses, and the gossip endpoint already bound the sender to
        // the Koinos set.
        guard chain != .koinos || validators.contains(sender) else { return .nonValidator }
        guard AdminActionKind(message) != nil else { return .notAdminAction }
        guard proposal.chain == chain, message.profile == configuration.profile, message.contract == configuration.contract,
              message.chain == (configuration.profile == .v2 ? configuration.chain : 0), message.fee == nil
        else { return .wrongContract }
        if case .address(let address) = message.target, address.count != chain.addressLength { return .notAdminAction }
        guard proposal.digest == AdminProposal.expectedDigest(message, chain: chain, hashing: hashing) else { return .digestMismatch }
        guard message.expiration >= now else { return .expired }
        if let chainNonce, message.nonce < chainNonce { return .staleNonce }
        guard message.expiration - now <= configuration.maxLifetimeMilliseconds else { return .tooLongLived }
        guard signatures.contains(where: { $0.validator == proposal.proposer }) || entries[proposal.digest] != nil else {
            return .unsignedByProposer
        }
        return nil
    }

    private func changed(_ entry: Entry, wasReady: Bool, broadcast: Bool) -> [Action] {
        let now = state(entry)
        var actions: [Action] = [.persist(now)]
        if broadcast { actions.append(.broadcast(now)) }
        if now.isReady, !wasReady { actions.append(.ready(now)) }
        return actions
    }
}
