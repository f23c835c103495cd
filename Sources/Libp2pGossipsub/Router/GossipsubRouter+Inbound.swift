// SPDX-License-Identifier: Apache-2.0

extension GossipsubRouter.StateMachine {
    public typealias Action = GossipsubRouter.Action

    /// Processes one RPC read from `peer`'s stream, verifying signatures inline (tests and simple
    /// drivers). The `Gossipsub` actor instead calls `screenRPC`, verifies off the actor with
    /// `verifySignatures`, and finishes with `handleVerified`, looping while messages remain.
    public mutating func handleRPC(_ rpc: GossipsubRPC, from peer: GossipPeerID, now: Duration) -> [Action] {
        var (actions, screened) = screenRPC(rpc, from: peer, now: now)
        while let pending = screened {
            let finished = handleVerified(GossipsubRouter.verifySignatures(pending, verifier: verifier), now: now)
            actions += finished.0
            screened = finished.1
        }
        return actions
    }

    /// The cheap part of an RPC: subscriptions, control, and the messages worth a signature check
    /// (at most `maxMessagesPerRPC`, on topics we joined, not seen, not ours). Nil when none is.
    public mutating func screenRPC(_ rpc: GossipsubRPC, from peer: GossipPeerID, now: Duration) -> ([Action], GossipsubRouter.ScreenedMessages?) {
        guard peers[peer] != nil else { return ([], nil) }
        // v1.1: RPCs of graylisted peers are ignored entirely.
        guard isAboveGraylist(peer) else {
            countDrop(.graylisted)
            return ([], nil)
        }
        for sub in rpc.subscriptions { handleSubscription(sub, from: peer) }
        var messages = rpc.publish[...]
        if messages.count > parameters.maxMessagesPerRPC {
            dropCounts[.tooManyMessages, default: 0] += messages.count - parameters.maxMessagesPerRPC
            messages = messages.prefix(parameters.maxMessagesPerRPC)
        }
        let screened = screen(messages, from: peer)
        if let control = rpc.control { handleControl(control, from: peer, now: now) }
        disconnectIfBelowThreshold(peer)
        return (outbox.flush(), screened)
    }

    /// Completes messages whose signatures were checked; returns the actions and the remaining
    /// messages screened again (the peer's score may have fallen: a graylisted peer's are dropped).
    public mutating func handleVerified(_ checked: GossipsubRouter.CheckedMessages, now: Duration) -> ([Action], GossipsubRouter.ScreenedMessages?) {
        let peer = checked.peer
        for (message, signatureValid) in checked.results {
            handleMessage(message, signatureValid: signatureValid, from: peer, now: now)
        }
        disconnectIfBelowThreshold(peer)
        return (outbox.flush(), screen(checked.unchecked[...], from: peer))
    }

    /// Messages that still need a signature check, re-checking the peer's score before each one.
    private mutating func screen(_ messages: ArraySlice<GossipsubMessage>, from peer: GossipPeerID) -> GossipsubRouter.ScreenedMessages? {
        var kept: [GossipsubMessage] = []
        var ids = Set<[UInt8]>()
        for (offset, message) in messages.enumerated() {
            guard peers[peer] != nil, isAboveGraylist(peer) else {
                dropCounts[.graylisted, default: 0] += messages.count - offset
                break
            }
            guard subscriptions.contains(message.topic) else { countDrop(.unsubscribedTopic); continue }
            let id = messageID(message)
            guard !seen.contains(id), ids.insert(id).inserted else { countDrop(.duplicate); continue }
            if message.from == localPeer.bytes { countDrop(.ownMessage); continue }
            kept.append(message)
        }
        guard !kept.isEmpty else { return nil }
        return GossipsubRouter.ScreenedMessages(peer: peer, messages: kept, strictSign: parameters.strictSign)
    }

    private func isAboveGraylist(_ peer: GossipPeerID) -> Bool {
        scores.score(peer) >= parameters.scoring.graylistThreshold
    }

    private mutating func handleSubscription(_ sub: GossipsubRPC.SubOpts, from peer: GossipPeerID) {
        if sub.subscribe {
            guard let state = peers[peer], !state.topics.contains(sub.topic) else { return }
            // A subscription filter: names and counts a peer chooses are bounded, ours always fit.
            let ours = subscriptions.contains(sub.topic) || fanout[sub.topic] != nil
            let fits = sub.topic.utf8.count <= parameters.maxTopicNameLength
                && state.topics.count < parameters.maxTopicsPerPeer
                && (topicPeers[sub.topic] != nil || topicPeers.count < parameters.maxTrackedTopics)
            guard ours || fits else { return countDrop(.topicLimit) }
            peers[peer]?.topics.insert(sub.topic)
            topicPeers[sub.topic, default: []].insert(peer)
        } else {
            guard peers[peer]?.topics.remove(sub.topic) != nil else { return }
            forgetTopicPeer(peer, topic: sub.topic)
            mesh[sub.topic]?.remove(peer)
            fanout[sub.topic]?.remove(peer)
        }
    }

    private mutating func handleMessage(_ message: GossipsubMessage, signatureValid: Bool, from peer: GossipPeerID, now: Duration) {
        // Re-checked: another RPC may have delivered the same message while this one was verified.
        guard subscriptions.contains(message.topic) else { return countDrop(.unsubscribedTopic) }
        let id = messageID(message)
        guard !seen.contains(id) else { return countDrop(.duplicate) }
        guard signatureValid else {
            // Not marked seen: the id may be forged; the forwarder is penalised (P4).
            scores.rejectedMessage(from: peer, topic: message.topic)
            return countDrop(.invalidSignature)
        }
        // Seqno uniqueness per author, independent of the topic's id function.
        if let from = message.from, let seqno = message.seqno {
            guard seenAuthorSeqnos.insert(from + seqno, now: now) else { return countDrop(.duplicate) }
        }
        seen.insert(id, now: now)
        outbox.append(.validate(.init(id: id, message: message, receivedFrom: peer)))
    }

    /// Completes a validation: accept → cache, deliver and forward to the mesh; reject → penalise
    /// the forwarder (P4); ignore → drop silently (the id stays in the seen cache).
    public mutating func validationFinished(
        _ pending: GossipsubRouter.PendingValidation,
        result: ValidationResult,
        now: Duration
    ) -> [Action] {
        switch result {
        case .accept:
            messageCache.put(id: pending.id, message: pending.message)
            if subscriptions.contains(pending.message.topic) {
                outbox.append(.deliver(.init(id: pending.id, message: pending.message, receivedFrom: pending.receivedFrom)))
            }
            forward(pending.message, excluding: pending.receivedFrom)
        case .reject:
            scores.rejectedMessage(from: pending.receivedFrom, topic: pending.message.topic)
            disconnectIfBelowThreshold(pending.receivedFrom)
        case .ignore:
            break
        }
        return outbox.flush()
    }

    /// Forwards a validated message to the topic's mesh, never back to the sender or the author.
    private mutating func forward(_ message: GossipsubMessage, excluding sender: GossipPeerID) {
        let author = message.from.map(GossipPeerID.init(bytes:))
        for peer in (mesh[message.topic] ?? []).sorted() where peer != sender && peer != author {
            outbox.message(message, to: peer)
        }
    }

    // MARK: Control

    private mutating func handleControl(_ control: ControlMessage, from peer: GossipPeerID, now: Duration) {
        let gossipAllowed = scores.score(peer) >= parameters.scoring.gossipThreshold
        if gossipAllowed {
            for ihave in control.ihave { handleIHave(ihave, from: peer) }
            handleIWant(control.iwant, from: peer)
        }
        for graft in control.graft { handleGraft(graft, from: peer, now: now) }
        for prune in control.prune { handlePrune(prune, from: peer, now: now) }
    }

    private mutating func handleIHave(_ ihave: ControlMessage.IHave, from peer: GossipPeerID) {
        guard subscriptions.contains(ihave.topic), var state = peers[peer] else { return }
        state.ihaveReceived += 1
        defer { peers[peer] = state }
        guard state.ihaveReceived <= parameters.maxIHaveMessages, state.idsAsked < parameters.maxIHaveLength else {
            return
        }
        var wanted: [[UInt8]] = []
        var requested = Set<[UInt8]>()
        for id in ihave.messageIDs where !seen.contains(id) && requested.insert(id).inserted {
            wanted.append(id)
        }
        guard !wanted.isEmpty else { return }
        wanted.shuffle(using: &random)
        let budget = parameters.maxIHaveLength - state.idsAsked
        let asked = Array(wanted.prefix(budget))
        state.idsAsked += asked.count
        outbox.iwant(asked, to: peer)
    }

    private mutating func handleIWant(_ iwants: [ControlMessage.IWant], from peer: GossipPeerID) {
        var sent = Set<[UInt8]>()
        for iwant in iwants {
            for id in iwant.messageIDs where sent.insert(id).inserted {
                if let message = messageCache.getForPeer(id, peer: peer, limit: parameters.gossipRetransmission) {
                    outbox.message(message, to: peer)
                }
            }
        }
    }

    private mutating func handleGraft(_ graft: ControlMessage.Graft, from peer: GossipPeerID, now: Duration) {
        // Unknown topic: ignore (no PRUNE, no PX, as go does, to avoid leaking peers).
        guard subscriptions.contains(graft.topic), let state = peers[peer] else { return }
        guard !(mesh[graft.topic]?.contains(peer) ?? false) else { return }
        if isBackingOff(peer, topic: graft.topic, now: now) {
            // GRAFT during our backoff: behaviour penalty and a PRUNE that refreshes the backoff.
            scores.addPenalty(peer)
            prune(peer, topic: graft.topic, backoffFor: parameters.pruneBackoff, now: now)
            return
        }
        if scores.score(peer) < 0 || ((mesh[graft.topic]?.count ?? 0) >= parameters.dHigh && !state.outbound) {
            prune(peer, topic: graft.topic, backoffFor: parameters.pruneBackoff, now: now)
            return
        }
        mesh[graft.topic, default: []].insert(peer)
    }

    private mutating func handlePrune(_ prune: ControlMessage.Prune, from peer: GossipPeerID, now: Duration) {
        // A PRUNE for a topic we are not in would only grow the backoff table (go ignores it too).
        guard subscriptions.contains(prune.topic) else { return }
        mesh[prune.topic]?.remove(peer)
        let seconds = prune.backoffSeconds.map { Int64(clamping: min($0, 86_400)) }
        let duration = seconds.map { Duration.seconds($0) } ?? parameters.pruneBackoff
        addBackoff(peer, topic: prune.topic, until: now + duration)
    }

    mutating func countDrop(_ reason: GossipsubRouter.DropReason) {
        dropCounts[reason, default: 0] += 1
    }
}

/// A topic validator's verdict (go-libp2p-pubsub `ValidationResult`).
public enum ValidationResult: Sendable, Equatable {
    /// Deliver and forward.
    case accept
    /// Drop and penalise the forwarding peer.
    case reject
    /// Drop without penalty (e.g. not interesting right now).
    case ignore
}
