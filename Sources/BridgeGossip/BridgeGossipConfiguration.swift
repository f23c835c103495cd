// SPDX-License-Identifier: Apache-2.0
import Primitives

/// Settings of the bridge protocol plugin.
public struct BridgeGossipConfiguration: Sendable {
    /// Gossipsub topic (koinos-p2p PR 212 naming: `plugin.<name>`).
    public var topic = "plugin.bridge"
    /// Stream protocol for direct requests (catch-up).
    public static let streamProtocol = "/koinos/bridge/1.0.0"
    public var softwareVersion = "bridge-relay/0.1"
    /// Largest accepted message; well under libp2p's 1 MiB default.
    public var maxMessageBytes = 512 * 1024
    /// Items per `SignedObservationBatch` (≈ 150 bytes each → ≈ 300 KB at the cap).
    public var maxBatchItems = 2_000
    /// Signature sets per `Attestations` message (≈ 550 bytes each for 5 signers).
    public var maxAttestationsPerMessage = 500
    /// Observation ids per `ObservationRequest`.
    public var maxRequestedObservations = 100
    /// Accepted clock skew of message timestamps (±, like Wormhole's 15 min).
    public var timestampWindowMilliseconds: UInt64 = 15 * 60_000
    /// Per-peer token buckets, per message kind: burst and refill per second.
    public var heartbeatLimit = RateLimit(burst: 4, perSecond: 0.5)
    public var batchLimit = RateLimit(burst: 50, perSecond: 20)
    public var requestLimit = RateLimit(burst: 5, perSecond: 1)
    public var attestationLimit = RateLimit(burst: 50, perSecond: 20)
    /// Catch-up requests answered, per validator (the key is the validator, not the peer id).
    public var catchUpLimit = RateLimit(burst: 3, perSecond: 0.1)
    /// Admin-action proposals (operator acts: rare).
    public var adminProposalLimit = RateLimit(burst: 10, perSecond: 0.5)
    /// Koinos → Ethereum signature messages (one per signing round and node).
    public var koinosSignatureLimit = RateLimit(burst: 50, perSecond: 20)
    /// Requests for our own Koinos → Ethereum signatures answered, per validator (not per peer id),
    /// and how many digests one request may name.
    public var koinosCatchUpLimit = RateLimit(burst: 4, perSecond: 0.5)
    public var maxKoinosCatchUpDigests = 16
    /// Inbound Koinos → Ethereum signatures held until the lock side takes them: in all, and per sender.
    public var koinosInboxCapacity = 4096
    public var koinosInboxPerValidator = 1024
    /// Largest number of sets one catch-up request returns.
    public var maxCatchUpAttestations = 20_000
    /// Per validator (not per peer id): signatures its batches and attestation sets make us
    /// recover. A dishonest validator costs each node at most this many recoveries per second.
    public var itemLimit = RateLimit(burst: 10_000, perSecond: 500)
    /// Hold-and-verify: the items of a signature batch are handed to the aggregator unrecovered
    /// (`InboundGossip.unverifiedSignatures`; the envelope is still recovered, so the sender is
    /// authenticated, and the item budget is still spent) and the aggregator recovers only those
    /// that can enter a submission set. The aggregator must then have a verifier.
    public var deferItemRecovery = false
    /// A catch-up request is answered only within ± this of its timestamp (and only once).
    public var catchUpRequestWindowMilliseconds: UInt64 = 2 * 60_000
    /// Bytes of envelopes one catch-up answer carries (sent and kept), and all answers together.
    public var maxCatchUpResponseBytes = 16 * 1024 * 1024
    public var maxCatchUpTotalBytes = 48 * 1024 * 1024
    /// Accepted envelopes remembered for replay detection during the timestamp window.
    public var replayWindowCapacity = 200_000
    /// Catch-up nonces remembered (refused beyond, fail closed).
    public var catchUpNonceCapacity = 4_096
    /// Own digests remembered to decide what gossip is relayed.
    public var ownDigestCapacity = 100_000
    /// Validated messages waiting for the aggregator; beyond this they are dropped and counted
    /// (`bridge_gossip_dropped_total{stream="inbound"}`) — about 10 s of a full-rate sender set.
    public static let inboundBufferSize = 1_000

    public init() {}

    /// A token bucket's shape.
    public struct RateLimit: Sendable, Hashable {
        public var burst: Double
        public var perSecond: Double
        public init(burst: Double, perSecond: Double) {
            self.burst = burst
            self.perSecond = perSecond
        }
    }

    func limit(for kind: BridgeMessageKind) -> RateLimit {
        switch kind {
        case .heartbeat: heartbeatLimit
        case .signedObservationBatch: batchLimit
        case .observationRequest: requestLimit
        case .attestations: attestationLimit
        case .catchUpRequest: catchUpLimit
        case .adminProposal: adminProposalLimit
        case .koinosSignatures: koinosSignatureLimit
        case .koinosSignatureRequest: koinosCatchUpLimit
        }
    }
}

extension PeerRateLimiter {
    /// Takes one token for `key` under a configured rate limit.
    mutating func allow(_ key: String, limit: BridgeGossipConfiguration.RateLimit, now: UInt64) -> Bool {
        allow(key, perSecond: limit.perSecond, burst: limit.burst, now: now)
    }
}
