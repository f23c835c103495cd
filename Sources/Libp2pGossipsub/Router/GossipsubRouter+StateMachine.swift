// SPDX-License-Identifier: Apache-2.0
import Primitives

/// Namespace of the gossipsub v1.1 router (libp2p pubsub spec; go-libp2p-pubsub v0.9.3 behaviour).
public enum GossipsubRouter {}

extension GossipsubRouter {
    /// The whole router as a pure value: peers, meshes, fanout, caches, backoff and scores.
    ///
    /// No sockets, no tasks, no clock of its own: every entry point takes `now` (time since an
    /// arbitrary origin) and returns the `Action`s the driver must perform, in order. Randomness
    /// (peer selection) comes from a seeded generator so tests are reproducible.
    public struct StateMachine {
        public let localPeer: GossipPeerID
        public let parameters: GossipsubParameters
        let signer: (any GossipMessageSigner)?
        let verifier: (any GossipSignatureVerifier)?

        struct PeerState {
            var gossipProtocol: GossipsubProtocol
            var outbound: Bool
            var topics: Set<String> = []
            var ihaveReceived = 0
            var idsAsked = 0
        }

        var peers: [GossipPeerID: PeerState] = [:]
        var topicPeers: [String: Set<GossipPeerID>] = [:]
        var subscriptions: Set<String> = []
        var mesh: [String: Set<GossipPeerID>] = [:]
        var fanout: [String: Set<GossipPeerID>] = [:]
        var lastPublished: [String: Duration] = [:]
        var backoff: [String: [GossipPeerID: Duration]] = [:]
        var messageCache: MessageCache
        var seen: SeenCache
        var seenAuthorSeqnos: SeenCache
        var scores: PeerScore
        var disconnectRequested: Set<GossipPeerID> = []
        var messageIDFunctions: [String: MessageIDFunction] = [:]
        var nextSeqno: UInt64
        var random: SplitMix64
        var outbox = GossipsubRouter.Outbox()
        /// Inbound messages dropped before validation, by reason (read by the driver for metrics).
        public internal(set) var dropCounts: [GossipsubRouter.DropReason: Int] = [:]

        /// - Parameters:
        ///   - localPeer: our peer id bytes (messages whose `from` is ours are never re-processed).
        ///   - parameters: router parameters (`.koinos` for Koinos-compatible behaviour).
        ///   - signer: signs our publications; required for publishing under StrictSign.
        ///   - verifier: verifies inbound signatures; required under StrictSign.
        ///   - initialSeqno: first sequence number (go starts at unix nanoseconds).
        ///   - seed: seed for peer selection.
        public init(
            localPeer: GossipPeerID,
            parameters: GossipsubParameters = .koinos,
            signer: (any GossipMessageSigner)?,
            verifier: (any GossipSignatureVerifier)?,
            initialSeqno: UInt64,
            seed: UInt64
        ) {
            self.localPeer = localPeer
            self.parameters = parameters
            self.signer = signer
            self.verifier = verifier
            self.messageCache = MessageCache(
                historyLength: parameters.historyLength,
                historyGossip: parameters.historyGossip
            )
            self.seen = SeenCache(ttl: parameters.seenTTL)
            self.seenAuthorSeqnos = SeenCache(ttl: parameters.seenTTL)
            self.scores = PeerScore(parameters: parameters.scoring)
            self.nextSeqno = initialSeqno
            self.random = SplitMix64(seed: seed)
        }

        // MARK: Queries (for the driver, metrics and tests)

        public func meshPeers(_ topic: String) -> Set<GossipPeerID> { mesh[topic] ?? [] }
        public func fanoutPeers(_ topic: String) -> Set<GossipPeerID> { fanout[topic] ?? [] }
        public func peers(subscribedTo topic: String) -> Set<GossipPeerID> { topicPeers[topic] ?? [] }
        public func score(_ peer: GossipPeerID) -> Double { scores.score(peer) }
        public var connectedPeers: Set<GossipPeerID> { Set(peers.keys) }
        public var subscribedTopics: Set<String> { subscriptions }
        public func isBackingOff(_ peer: GossipPeerID, topic: String, now: Duration) -> Bool {
            (backoff[topic]?[peer]).map { $0 > now } ?? false
        }
        public func cachedMessage(id: [UInt8]) -> GossipsubMessage? { messageCache.get(id) }

        /// Sets the message-id function of a topic (default `from ‖ seqno`).
        public mutating func setMessageIDFunction(_ function: MessageIDFunction, forTopic topic: String) {
            messageIDFunctions[topic] = function
        }

        func messageID(_ message: GossipsubMessage) -> [UInt8] {
            (messageIDFunctions[message.topic] ?? .fromAndSeqno)(message)
        }

        // MARK: Peers

        /// A peer opened (or we opened to it) a meshsub stream: greet it with our subscriptions.
        public mutating func addPeer(
            _ peer: GossipPeerID,
            protocol gossipProtocol: GossipsubProtocol,
            outbound: Bool,
            now: Duration
        ) -> [Action] {
            guard peers[peer] == nil else { return [] }
            peers[peer] = PeerState(gossipProtocol: gossipProtocol, outbound: outbound)
            scores.addPeer(peer)
            disconnectRequested.remove(peer)
            let hello = subscriptions.sorted().map { GossipsubRPC.SubOpts(subscribe: true, topic: $0) }
            if !hello.isEmpty { outbox.subscriptions(hello, to: peer) }
            return outbox.flush()
        }

        /// The peer's connection or stream went away.
        public mutating func removePeer(_ peer: GossipPeerID, now: Duration) -> [Action] {
            guard let state = peers.removeValue(forKey: peer) else { return [] }
            for topic in state.topics { forgetTopicPeer(peer, topic: topic) }
            for topic in Array(mesh.keys) { mesh[topic]?.remove(peer) }
            for topic in Array(fanout.keys) { fanout[topic]?.remove(peer) }
            scores.removePeer(peer, now: now)
            return []
        }

        // MARK: Subscriptions

        /// Joins a topic: announce it, build the mesh from fanout and known topic peers, GRAFT them.
        public mutating func subscribe(_ topic: String, now: Duration) -> [Action] {
            guard subscriptions.insert(topic).inserted else { return [] }
            for peer in peers.keys.sorted() {
                outbox.subscriptions([.init(subscribe: true, topic: topic)], to: peer)
            }
            var members = (fanout.removeValue(forKey: topic) ?? []).filter { scores.score($0) >= 0 }
            lastPublished[topic] = nil
            if members.count < parameters.d {
                let more = selectPeers(topic: topic, count: parameters.d - members.count, now: now) {
                    !members.contains($0)
                }
                members.formUnion(more)
            }
            mesh[topic] = members
            for peer in members.sorted() { outbox.graft(topic, to: peer) }
            return outbox.flush()
        }

        /// Leaves a topic: announce it and PRUNE the mesh with the unsubscribe backoff.
        public mutating func unsubscribe(_ topic: String, now: Duration) -> [Action] {
            guard subscriptions.remove(topic) != nil else { return [] }
            for peer in peers.keys.sorted() {
                outbox.subscriptions([.init(subscribe: false, topic: topic)], to: peer)
            }
            for peer in (mesh.removeValue(forKey: topic) ?? []).sorted() {
                prune(peer, topic: topic, backoffFor: parameters.unsubscribeBackoff, now: now)
            }
            return outbox.flush()
        }

        // MARK: Helpers shared by the transitions

        /// Up to `count` random topic peers that are connected, not backing off, not negatively scored.
        mutating func selectPeers(
            topic: String,
            count: Int,
            now: Duration,
            minimumScore: Double = 0,
            where include: (GossipPeerID) -> Bool
        ) -> Set<GossipPeerID> {
            guard count > 0 else { return [] }
            var candidates = (topicPeers[topic] ?? []).filter {
                peers[$0] != nil && include($0) && !isBackingOff($0, topic: topic, now: now)
                    && scores.score($0) >= minimumScore
            }.sorted()
            candidates.shuffle(using: &random)
            return Set(candidates.prefix(count))
        }

        /// Sends PRUNE (with backoff for v1.1 peers) and records our side of the backoff.
        mutating func prune(_ peer: GossipPeerID, topic: String, backoffFor duration: Duration, now: Duration) {
            addBackoff(peer, topic: topic, until: now + duration)
            let seconds = UInt64(duration.components.seconds)
            let withBackoff = peers[peer]?.gossipProtocol.supportsBackoff ?? false
            outbox.prune(.init(topic: topic, peers: [], backoffSeconds: withBackoff ? seconds : nil), to: peer)
        }

        mutating func addBackoff(_ peer: GossipPeerID, topic: String, until expiry: Duration) {
            let current = backoff[topic]?[peer] ?? .zero
            if expiry > current { backoff[topic, default: [:]][peer] = expiry }
        }

        /// Removes `peer` from the topic's subscribers and drops the topic's key once nobody is left,
        /// so topic names chosen by departed peers do not stay in the tables.
        mutating func forgetTopicPeer(_ peer: GossipPeerID, topic: String) {
            topicPeers[topic]?.remove(peer)
            if topicPeers[topic]?.isEmpty == true { topicPeers[topic] = nil }
        }

        /// Adds a disconnect action for peers whose score fell below the disconnect threshold.
        mutating func disconnectIfBelowThreshold(_ peer: GossipPeerID) {
            guard peers[peer] != nil, !disconnectRequested.contains(peer),
                scores.score(peer) < parameters.scoring.disconnectThreshold
            else { return }
            disconnectRequested.insert(peer)
            outbox.disconnect(peer, reason: .lowScore)
        }
    }
}
