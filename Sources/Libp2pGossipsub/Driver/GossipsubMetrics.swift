// SPDX-License-Identifier: Apache-2.0
import Metrics

/// `bridge_p2p_gossip_*` metrics. Dimensions are bounded: `topic` only for topics we registered or
/// subscribed to, `reason` and `direction` from fixed enums; never peer ids or message ids.
struct GossipsubMetrics {
    let peers = Gauge(label: "bridge_p2p_gossip_peers")
    let rpcsIn = Counter(label: "bridge_p2p_gossip_rpcs_total", dimensions: [("direction", "in")])
    let rpcsOut = Counter(label: "bridge_p2p_gossip_rpcs_total", dimensions: [("direction", "out")])
    let malformedRPCs = Counter(label: "bridge_p2p_gossip_malformed_rpcs_total")
    let duplicateInboundStreams = Counter(label: "bridge_p2p_gossip_duplicate_inbound_streams_total")
    let disconnects = Counter(label: "bridge_p2p_gossip_disconnects_total", dimensions: [("reason", "low_score")])
    let drops: [GossipsubRouter.DropReason: Counter]
    let outboundQueueDrops = Counter(label: "bridge_p2p_gossip_dropped_total", dimensions: [("reason", "outbound_queue_full")])
    let subscriberDrops = Counter(label: "bridge_p2p_gossip_dropped_total", dimensions: [("reason", "subscriber_buffer_full")])
    private var topicCounters: [String: TopicCounters] = [:]

    struct TopicCounters {
        let published: Counter
        let delivered: Counter
        let accepted: Counter
        let rejected: Counter
        let ignored: Counter

        init(topic: String) {
            let name = "bridge_p2p_gossip_messages_total"
            published = Counter(label: name, dimensions: [("topic", topic), ("direction", "out")])
            delivered = Counter(label: name, dimensions: [("topic", topic), ("direction", "in")])
            let validation = "bridge_p2p_gossip_validations_total"
            accepted = Counter(label: validation, dimensions: [("topic", topic), ("reason", "accept")])
            rejected = Counter(label: validation, dimensions: [("topic", topic), ("reason", "reject")])
            ignored = Counter(label: validation, dimensions: [("topic", topic), ("reason", "ignore")])
        }
    }

    init() {
        var drops: [GossipsubRouter.DropReason: Counter] = [:]
        for reason in GossipsubRouter.DropReason.allCases {
            drops[reason] = Counter(label: "bridge_p2p_gossip_dropped_total", dimensions: [("reason", reason.rawValue)])
        }
        self.drops = drops
    }

    /// Creates the per-topic counters once, when the topic is registered or subscribed.
    mutating func prepare(topic: String) {
        if topicCounters[topic] == nil { topicCounters[topic] = TopicCounters(topic: topic) }
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
