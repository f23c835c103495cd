// SPDX-License-Identifier: Apache-2.0

extension GossipsubRouter.StateMachine {
    /// Publishes our own message: stamps `from` and a fresh `seqno`, signs it (StrictSign), caches
    /// it, and sends it to every topic peer above the publish threshold (flood publish) or else to
    /// the mesh, or to the fanout when we are not subscribed.
    ///
    /// The caller runs the topic's validator on local data *before* calling this.
    /// - Returns: the message id and the actions to perform.
    public mutating func publish(
        topic: String,
        data: [UInt8],
        now: Duration
    ) throws -> (id: [UInt8], message: GossipsubMessage, actions: [Action]) {
        guard !topic.isEmpty else { throw GossipsubError.cannotPublish("empty topic") }
        var message = GossipsubMessage(data: data, topic: topic)
        message.from = localPeer.bytes
        message.seqno = withUnsafeBytes(of: nextSeqno.bigEndian) { Array($0) }
        nextSeqno &+= 1
        if let signer {
            try MessageSigning.sign(&message, with: signer)
        } else if parameters.strictSign {
            throw GossipsubError.cannotPublish("StrictSign needs a signer")
        }
        let id = messageID(message)
        seen.insert(id, now: now)
        if let from = message.from, let seqno = message.seqno { seenAuthorSeqnos.insert(from + seqno, now: now) }
        messageCache.put(id: id, message: message)
        for peer in publishTargets(topic: topic, now: now).sorted() {
            outbox.message(message, to: peer)
        }
        if parameters.deliverOwnMessages && subscriptions.contains(topic) {
            outbox.append(.deliver(.init(id: id, message: message, receivedFrom: nil)))
        }
        return (id, message, outbox.flush())
    }

    private mutating func publishTargets(topic: String, now: Duration) -> Set<GossipPeerID> {
        let publishThreshold = parameters.scoring.publishThreshold
        if parameters.floodPublish {
            return (topicPeers[topic] ?? []).filter { peers[$0] != nil && scores.score($0) >= publishThreshold }
        }
        if subscriptions.contains(topic) {
            return mesh[topic] ?? []
        }
        lastPublished[topic] = now
        var members = fanout[topic] ?? []
        if members.count < parameters.d {
            members.formUnion(
                selectPeers(topic: topic, count: parameters.d - members.count, now: now, minimumScore: publishThreshold) {
                    !members.contains($0)
                }
            )
            fanout[topic] = members
        }
        return members
    }
}
