// SPDX-License-Identifier: Apache-2.0
import CoreMetrics

/// `bridge_p2p_gossip_*` metrics. Dimensions are bounded: `topic` only for topics we registered or
/// subscribed to, `reason` and `direction` from fixed enums; never peer ids or message ids.
struct GossipsubMetrics {
    let peers: Gauge
    let rpcsIn: Counter
    let rpcsOut: Counter
    let malformedRPCs: Counter
    let duplicateInboundStreams: Counter
    let disconnects: Counter
    let drops: [GossipsubRouter.DropReason: Counter]
    let outboundQueueDrops: Counter
    let subscriberDrops: Counter
    private let factory: any MetricsFactory
    private var topicCounters: [String: TopicCounters] = [:]

    struct TopicCounters {
        let published: Counter
        let delivered: Counter
        let accepted: Counter
        let rejected: Counter
        let ignored: Counter

        init(topic: String, factory: any MetricsFactory) {
            let name = "bridge_p2p_gossip_messages_total"
            published = Counter(label: name, dimensions: [("topic", topic), ("direction", "out")], factory: factory)
            delivered = Counter(label: name, dimensions: [("topic", topic), ("direction", "in")], factory: factory)
            let validation = "bridge_p2p_gossip_validations_total"
            accepted = Counter(label: validation, dimensions: [("topic", topic), ("reason", "accept")], factory: factory)
            rejected = Counter(label: validation, dimensions: [("topic", topic), ("reason", "reject")], factory: factory)
            ignored = Counter(label: validation, dimensions: [("topic", topic), ("reason", "ignore")], factory: factory)
        }
    }

    init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
        peers = Gauge(label: "bridge_p2p_gossip_peers", factory: factory)
        rpcsIn = Counter(label: "bridge_p2p_gossip_rpcs_total", dimensions: [("direction", "in")], factory: factory)
        rpcsOut = Counter(label: "bridge_p2p_gossip_rpcs_total", dimensions: [("direction", "out")], factory: factory)
        malformedRPCs = Counter(label: "bridge_p2p_gossip_malformed_rpcs_total", factory: factory)
        duplicateInboundStreams = Counter(label: "bridge_p2p_gossip_duplicate_inbound_streams_total", factory: factory)
        disconnects = Counter(label: "bridge_p2p_gossip_disconnects_total", dimensions: [("reason", "low_score")], factory: factory)
        outboundQueueDrops = Counter(label: "bridge_p2p_gossip_dropped_total", dimensions: [("reason", "outbound_queue_full")], factory: factory)
        subscriberDrops = Counter(label: "bridge_p2p_gossip_dropped_total", dimensions: [("reason", "subscriber_buffer_full")], factory: factory)
        var drops: [GossipsubRouter.DropReason: Counter] = [:]
        for reason in GossipsubRouter.DropReason.allCases {
            drops[reason] = Counter(label: "bridge_p2p_gossip_dropped_total", dimensions: [("reason", reason.rawValue)], factory: factory)
        }
        self.drops = drops
    }

    /// Creates the per-topic counters once, when the topic is registered or subscribed.
    mutating func prepare(topic: String) {
        if topicCounters[topic] == nil { topicCounters[topic] = TopicCounters(topic: topic, factory: factory) }
    }

    func topic(_ topic: String) -> TopicCounters? { topicCounters[topic] }

    func validation(_ result: ValidationResult, topic: String) {
        guard let counters = topicCounters[topic] else { return }
        switch result {
        case .accept: counters.accepted.increment()
        case .reject: counters.rejected.increment()
        case .ignore: counters.ignored.increment()
        }
    }
}
