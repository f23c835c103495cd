// SPDX-License-Identifier: Apache-2.0
import Libp2pYamux
import Logging
public import Multiformats
import NIOCore
import Synchronization

extension Libp2pHost {
    /// Peers that may use the reserved slots, evict idle strangers from a full table and are never
    /// closed for idleness; our dials to them are never refused for lack of room. The bridge node
    /// passes the validators' peer ids (configured and heartbeat-bound) and its bootstrap peers.
    public func setReservedPeers(_ peers: Set<PeerID>) {
        state.withLock { $0.table.setReserved(peers) }
    }

    /// Connections and handshakes the table counts (for tests and the operator).
    public func connectionCounts() -> (connections: Int, pendingHandshakes: Int) {
        state.withLock { ($0.table.count, $0.table.pendingHandshakes) }
    }

    /// Takes a handshake slot for an accepted inbound channel; a refusal means: close it.
    func beginInboundHandshake(_ channel: any Channel) -> ConnectionRefusal? {
        let ip = channel.remoteAddress?.ipAddress
        let refusal = state.withLock { state -> ConnectionRefusal? in
            if let ip, state.errorScores.refuses(ip, now: .now) { return .errorScore(ip) }
            return state.table.beginHandshake(ObjectIdentifier(channel), ip: ip)
        }
        if let refusal {
            metrics.connectionRefused()
            logger.debug("P2P inbound connection refused", metadata: ["p2p.reason": "\(refusal)"])
        }
        return refusal
    }

    /// Scores an error of `peer` against its IP address as Koinos nodes do (koinos.md §1.7): at
    /// 100,000 its connections are closed, from 50,000 new ones from that address are refused, and
    /// the score halves every 30 minutes. Returns the address's new score (nil when not connected).
    @discardableResult
    public func reportPeerError(_ peer: PeerID, points: Double, reason: String) -> Double? {
        let now = ContinuousClock.now
        let (score, closing) = state.withLock { state -> (Double?, [Libp2pConnection]) in
            let ips = Set(state.connections.values.filter { $0.remotePeer == peer }.compactMap { $0.channel.remoteAddress?.ipAddress })
            guard !ips.isEmpty else { return (nil, []) }
            var highest = 0.0
            for ip in ips { highest = max(highest, state.errorScores.add(points, to: ip, now: now)) }
            guard highest >= state.errorScores.thresholds.disconnectAt else { return (highest, []) }
            return (highest, state.connections.values.filter { $0.channel.remoteAddress?.ipAddress.map(ips.contains) ?? false })
        }
        logger.debug("P2P peer error scored", metadata: ["p2p.peer.id": "\(peer)", "p2p.reason": "\(reason)", "p2p.error_score": "\(score ?? 0)"])
        if !closing.isEmpty { close(closing, reason: "error score: \(reason)") }
        return score
    }

    /// The error score of `ip` now (for tests and the operator).
    public func errorScore(of ip: String) -> Double { state.withLock { $0.errorScores.score(of: ip, now: .now) } }

    /// The highest error score now among the addresses `peer` is connected from (0 when not connected).
    public func errorScore(of peer: PeerID) -> Double {
        let now = ContinuousClock.now
        return state.withLock { state in
            state.connections.values.filter { $0.remotePeer == peer }.compactMap { $0.channel.remoteAddress?.ipAddress }
                .map { state.errorScores.score(of: $0, now: now) }.max() ?? 0
        }
    }

    /// Closes non-reserved connections that stayed silent past the idle timeout, until shutdown.
    func closeIdleConnections() async {
        let interval = min(max(configuration.limits.idleTimeout / 4, .milliseconds(50)), .seconds(15))
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            let idle = state.withLock { state in
                state.table.idle(now: .now).compactMap { state.connections[$0] }
            }
            close(idle, reason: "idle")
        }
    }

    func close(_ connections: [Libp2pConnection], reason: String) {
        for connection in connections {
            metrics.connectionClosedByLimits()
            logger.info(
                "P2P connection closed by the limits",
                metadata: ["p2p.peer.id": "\(connection.remotePeer)", "p2p.reason": "\(reason)"])
            connection.session.close()
            connection.channel.close(promise: nil)
        }
    }
}
