// SPDX-License-Identifier: Apache-2.0

/// Router parameters: go-libp2p-pubsub v0.9.3 defaults, plus `koinos` with koinos-p2p's overrides.
///
/// libp2p spec digest A.11: D 6, D_lo 5 (go; the spec says 4), D_hi 12, D_lazy 6, heartbeat 1 s,
/// fanout TTL 60 s, mcache 5 windows with gossip over 3, seen TTL 120 s, prune backoff 1 min,
/// unsubscribe backoff 10 s, IHAVE caps 5000 ids / 10 messages per peer per heartbeat, IWANT
/// retransmission limit 3, gossip factor 0.25, D_score 4, D_out 2.
public struct GossipsubParameters: Sendable, Equatable {
    public var d = 6
    public var dLow = 5
    public var dHigh = 12
    public var dLazy = 6
    public var dScore = 4
    public var dOut = 2
    public var gossipFactor = 0.25
    public var heartbeatInterval: Duration = .seconds(1)
    public var heartbeatInitialDelay: Duration = .milliseconds(100)
    public var fanoutTTL: Duration = .seconds(60)
    public var historyLength = 5
    public var historyGossip = 3
    public var seenTTL: Duration = .seconds(120)
    public var pruneBackoff: Duration = .seconds(60)
    public var unsubscribeBackoff: Duration = .seconds(10)
    public var maxIHaveLength = 5000
    public var maxIHaveMessages = 10
    public var gossipRetransmission = 3
    /// v1.1 flood publishing: own messages go to every topic peer above the publish threshold.
    public var floodPublish = true
    /// Messages must be signed (StrictSign); unsigned or badly signed messages are rejected.
    public var strictSign = true
    /// Whether our own publications are also delivered to our own subscription (go and py do).
    public var deliverOwnMessages = false
    /// Peer scoring thresholds and weights.
    public var scoring = GossipsubScoreParameters()
    /// When set, each heartbeat sets every peer's application-specific score from the host's
    /// Koinos error score of its address (`Libp2pHost.errorScore(of:)`).
    public var errorScoreMapping: KoinosErrorScoreMapping?

    // Limits on what one peer can make us hold or compute (issue 19 M1, M3).
    /// Topics one peer may be recorded as subscribed to; further SUBSCRIBEs are ignored.
    public var maxTopicsPerPeer = 64
    /// Distinct topic names recorded from all peers together (ours are always recorded).
    public var maxTrackedTopics = 1_024
    /// Longest topic name recorded from a peer, in UTF-8 bytes.
    public var maxTopicNameLength = 256
    /// Messages processed from one RPC; the rest are dropped (peers recover them by gossip).
    public var maxMessagesPerRPC = 256

    public init() {}

    /// go-libp2p-pubsub's defaults, flood publishing off (go's default router).
    public static var goDefaults: GossipsubParameters {
        var parameters = GossipsubParameters()
        parameters.floodPublish = false
        return parameters
    }

    /// koinos-p2p: StrictSign, flood publish on, seen-message cache 30 s (koinos.md §1.6), and the
    /// application-specific score fed from the Koinos error score (`KoinosErrorScoreMapping`).
    public static var koinos: GossipsubParameters {
        var parameters = GossipsubParameters()
        parameters.floodPublish = true
        parameters.seenTTL = .seconds(30)
        parameters.errorScoreMapping = KoinosErrorScoreMapping()
        return parameters
    }
}

/// Basic peer-scoring parameters (a subset of gossipsub v1.1 scoring: P4 invalid deliveries and P7 behaviour).
///
/// A peer's score is `invalidMessageWeight · Σ_topics invalid² + behaviourPenaltyWeight · penalty²
/// + applicationWeight · applicationScore`. Counters decay multiplicatively every heartbeat and snap to 0 below `decayToZero`.
/// Below 0 a peer is pruned from meshes and not grafted; below `gossipThreshold` no gossip is
/// exchanged; below `graylistThreshold` its RPCs are ignored; below `disconnectThreshold` the
/// router asks the driver to disconnect it (by default the graylist threshold: a graylisted peer
/// can no longer lower its own score, since its RPCs are ignored).
public struct GossipsubScoreParameters: Sendable, Equatable {
    public var invalidMessageWeight = -10.0
    public var invalidMessageDecay = 0.99
    public var behaviourPenaltyWeight = -10.0
    public var behaviourPenaltyDecay = 0.99
    public var decayToZero = 0.01
    /// Weight of the application-specific score (P5), which the application sets and decays itself.
    public var applicationWeight = 1.0
    public var gossipThreshold = -10.0
    public var publishThreshold = -50.0
    public var graylistThreshold = -80.0
    public var disconnectThreshold = -80.0
    /// How long a disconnected peer's score is remembered (go: RetainScore).
    public var retainScore: Duration = .seconds(600)

    public init() {}
}
