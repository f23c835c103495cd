// SPDX-License-Identifier: Apache-2.0
import CoreMetrics

/// The libp2p host's `bridge_p2p_*` metrics, made once with the host. No labels: a peer id or an
/// address never becomes a label (they go in the logs).
struct Libp2pHostMetrics: Sendable {
    private let connections: Gauge
    private let handshakeFailures: Counter
    private let refusedProtocols: Counter
    private let inboundStreams: Counter
    private let refusedConnections: Counter
    private let limitClosures: Counter

    init(factory: any MetricsFactory = MetricsSystem.factory) {
        connections = Gauge(label: "bridge_p2p_connections", factory: factory)
        handshakeFailures = Counter(label: "bridge_p2p_handshake_failures_total", factory: factory)
        refusedProtocols = Counter(label: "bridge_p2p_protocol_refused_total", factory: factory)
        inboundStreams = Counter(label: "bridge_p2p_inbound_streams_total", factory: factory)
        refusedConnections = Counter(label: "bridge_p2p_connections_refused_total", factory: factory)
        limitClosures = Counter(label: "bridge_p2p_connections_closed_by_limits_total", factory: factory)
    }

    /// The host now holds `count` upgraded connections.
    func connectionCount(_ count: Int) { connections.record(count) }

    /// An upgrade (multistream-select, Noise, yamux) failed.
    func handshakeFailed() { handshakeFailures.increment() }

    /// The limits refused a connection (at accept, or after the handshake).
    func connectionRefused() { refusedConnections.increment() }

    /// The limits closed a connection (an idle stranger, a stranger evicted for a reserved peer).
    func connectionClosedByLimits() { limitClosures.increment() }

    /// A peer opened a stream.
    func inboundStreamOpened() { inboundStreams.increment() }

    /// A peer's stream asked for no protocol this host serves, or its negotiation failed.
    func protocolRefused() { refusedProtocols.increment() }
}
