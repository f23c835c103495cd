// SPDX-License-Identifier: Apache-2.0

extension GossipsubRouter.StateMachine {
    /// The periodic heartbeat (every `heartbeatInterval`): score decay and threshold checks, mesh
    /// maintenance (prune negative scores, graft below D_lo, prune above D_hi keeping D_score best
    /// and D_out outbound), fanout expiry and refill, IHAVE gossip, cache shifts.
    public mutating func heartbeat(now: Duration) -> [Action] {
        scores.decay(now: now)
        for peer in peers.keys.sorted() { disconnectIfBelowThreshold(peer) }
        for (topic, entries) in backoff {
            let live = entries.filter { $0.value > now }
            backoff[topic] = live.isEmpty ? nil : live
        }
        for peer in Array(peers.keys) {
            peers[peer]?.ihaveReceived = 0
            peers[peer]?.idsAsked = 0
        }
        for topic in mesh.keys.sorted() { maintainMesh(topic: topic, now: now) }
        maintainFanout(now: now)
        messageCache.shift()
        seen.expire(now: now)
        seenAuthorSeqnos.expire(now: now)
        return outbox.flush()
    }

    private mutating func maintainMesh(topic: String, now: Duration) {
        var members = mesh[topic] ?? []
        for peer in members.sorted() where scores.score(peer) < 0 || peers[peer] == nil {
            members.remove(peer)
            if peers[peer] != nil { prune(peer, topic: topic, backoffFor: parameters.pruneBackoff, now: now) }
        }
        if members.count < parameters.dLow {
            let added = selectPeers(topic: topic, count: parameters.d - members.count, now: now) {
                !members.contains($0)
            }
            for peer in added.sorted() { outbox.graft(topic, to: peer) }
            members.formUnion(added)
        }
        if members.count > parameters.dHigh {
            let kept = selectSurvivors(of: members)
            for peer in members.subtracting(kept).sorted() {
                prune(peer, topic: topic, backoffFor: parameters.pruneBackoff, now: now)
            }
            members = kept
        }
        mesh[topic] = members
        emitGossip(topic: topic, excluding: members)
    }

    /// Keeps D peers: the D_score best by score, the rest at random, with at least D_out outbound.
    private mutating func selectSurvivors(of members: Set<GossipPeerID>) -> Set<GossipPeerID> {
        var shuffled = members.sorted()
        shuffled.shuffle(using: &random)
        let byScore = shuffled.sorted { scores.score($0) > scores.score($1) }
        var kept = Array(byScore.prefix(parameters.dScore))
        var rest = Array(byScore.dropFirst(parameters.dScore))
        rest.shuffle(using: &random)
        kept += rest.prefix(parameters.d - kept.count)
        let outboundPeers = Set(peers.filter { $0.value.outbound }.keys)
        let isOutbound = { (peer: GossipPeerID) in outboundPeers.contains(peer) }
        var outboundCount = kept.filter(isOutbound).count
        if outboundCount < parameters.dOut {
            let spare = members.subtracting(kept).filter(isOutbound).sorted()
            for peer in spare where outboundCount < parameters.dOut {
                // Replace the last non-outbound survivor.
                guard let index = kept.lastIndex(where: { !isOutbound($0) }) else { break }
                kept[index] = peer
                outboundCount += 1
            }
        }
        return Set(kept)
    }

    private mutating func maintainFanout(now: Duration) {
        for topic in fanout.keys.sorted() {
            if let last = lastPublished[topic], now - last > parameters.fanoutTTL {
                fanout[topic] = nil
                lastPublished[topic] = nil
                continue
            }
            let threshold = parameters.scoring.publishThreshold
            var members = (fanout[topic] ?? []).filter {
                peers[$0] != nil && (topicPeers[topic]?.contains($0) ?? false) && scores.score($0) >= threshold
            }
            if members.count < parameters.d {
                members.formUnion(
                    selectPeers(topic: topic, count: parameters.d - members.count, now: now, minimumScore: threshold) {
                        !members.contains($0)
                    }
                )
            }
            fanout[topic] = members
            emitGossip(topic: topic, excluding: members)
        }
    }

    /// IHAVE for the gossip windows to max(D_lazy, gossip factor × candidates) non-mesh topic peers.
    private mutating func emitGossip(topic: String, excluding members: Set<GossipPeerID>) {
        var ids = messageCache.gossipIDs(topic: topic)
        guard !ids.isEmpty else { return }
        let threshold = parameters.scoring.gossipThreshold
        var candidates = (topicPeers[topic] ?? []).filter {
            !members.contains($0) && peers[$0] != nil && scores.score($0) >= threshold
        }.sorted()
        guard !candidates.isEmpty else { return }
        let target = max(parameters.dLazy, Int(parameters.gossipFactor * Double(candidates.count)))
        candidates.shuffle(using: &random)
        if ids.count > parameters.maxIHaveLength {
            ids.shuffle(using: &random)
            ids = Array(ids.prefix(parameters.maxIHaveLength))
        }
        for peer in candidates.prefix(target) {
            outbox.ihave(.init(topic: topic, messageIDs: ids), to: peer)
        }
    }
}
