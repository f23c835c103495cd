// SPDX-License-Identifier: Apache-2.0
import CoreMetrics

/// The gossip endpoint's `bridge_gossip_*` metrics, made once with the endpoint. Labels are bounded:
/// a fixed validation reason or an inbound stream's name.
struct GossipEndpointMetrics: Sendable {
    /// An inbound stream whose consumer did not keep up (the `stream` label of `bridge_gossip_dropped_total`).
    enum Stream: String, Sendable {
        case inbound
        case koinosSignatures = "koinos_signatures"
        case admin
    }

    let publishedBytes: Counter
    let signingErrors: Counter
    private let factory: any MetricsFactory

    init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
        publishedBytes = Counter(label: "bridge_gossip_published_bytes_total", factory: factory)
        signingErrors = Counter(label: "bridge_gossip_signing_errors_total", factory: factory)
    }

    func ignored(_ reason: BridgeValidationReason) -> Counter {
        Counter(label: "bridge_gossip_ignored_total", dimensions: [("reason", reason.rawValue)], factory: factory)
    }

    func rejected(_ reason: BridgeValidationReason) -> Counter {
        Counter(label: "bridge_gossip_rejected_total", dimensions: [("reason", reason.rawValue)], factory: factory)
    }

    func dropped(_ stream: Stream) -> Counter {
        Counter(label: "bridge_gossip_dropped_total", dimensions: [("stream", stream.rawValue)], factory: factory)
    }
}
