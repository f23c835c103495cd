// SPDX-License-Identifier: Apache-2.0
import Libp2pYamux
import Logging
import Metrics
import Multiformats
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
        let refusal = state.withLock { $0.table.beginHandshake(ObjectIdentifier(channel), ip: ip) }
        if let refusal {
            refusedConnections.increment()
            logger.debug("p2p inbound connection refused", metadata: ["p2p.reason": "\(refusal)"])
        }
        return refusal
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
            limitClosures.increment()
            logger.info(
                "p2p connection closed by the limits",
                metadata: ["p2p.peer.id": "\(connection.remotePeer)", "p2p.reason": "\(reason)"])
            connection.session.close()
            connection.channel.close(promise: nil)
        }
    }
}
