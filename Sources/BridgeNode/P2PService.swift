// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeGossip
import BridgeStore
import Libp2pGossipsub
import Libp2pHost
import Logging
import Multiformats
import ServiceLifecycle

/// The libp2p side of the node as one service: listens, registers the bridge plugin on
/// gossipsub, runs the gossipsub router, keeps the bootstrap peers dialled (with retry, so a
/// restarted peer is found again) and publishes this validator's signed heartbeat.
///
/// Graceful shutdown stops the router and the loops, then closes every connection.
struct P2PService: Service {
    let host: Libp2pHost
    let gossipsub: Gossipsub
    let transport: Libp2pBridgeTransport
    let endpoint: BridgeGossipEndpoint
    let bootstrap: [Multiaddr]
    /// Highest Ethereum block scanned, carried in heartbeats.
    let ethereumCursor: @Sendable () async -> UInt64
    let heartbeatInterval: Duration
    /// Stores the heartbeat we just published (our own row in `/v1/validators`).
    let recordOwnHeartbeat: @Sendable (ValidatorHeartbeat) async -> Void
    /// Peers the host keeps slots for, refreshed every 2 s.
    let reservedPeers: ReservedPeers
    let logger: Logger

    func run() async throws {
        host.setReservedPeers(reservedPeers.current())
        do {
            _ = try await host.start()
            try await transport.register(endpoint)
        } catch {
            await host.shutdown()
            throw error
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await gossipsub.run() }
            group.addTask { await cancelWhenGracefulShutdown { await self.keepDialling() } }
            group.addTask { await cancelWhenGracefulShutdown { await self.heartbeats() } }
            await group.waitForAll()
        }
        await host.shutdown()
        logger.info("P2P host stopped")
    }

    /// Dials every bootstrap peer that is not connected, every 2 s. When both sides list each
    /// other, the lower peer id dials at once and the higher one only after the peer has stayed
    /// away for 15 s, so two nodes starting together open one connection, not two.
    func keepDialling() async {
        var missingSince: [PeerID: ContinuousClock.Instant] = [:]
        let me = host.peerID
        while !Task.isCancelled {
            host.setReservedPeers(reservedPeers.current())
            let connected = Set(await host.connectedPeers())
            for address in bootstrap {
                guard let peer = address.peerID, peer != me else { continue }
                if connected.contains(peer) {
                    missingSince[peer] = nil
                    continue
                }
                let since = missingSince[peer] ?? .now
                missingSince[peer] = since
                guard me < peer || ContinuousClock.now - since >= .seconds(15) else { continue }
                do {
                    _ = try await host.connect(address)
                    logger.info("P2P bootstrap peer connected", metadata: ["p2p.peer": "\(peer)"])
                } catch {
                    logger.debug("P2P bootstrap dial failed", metadata: ["p2p.address": "\(address)", "error": "\(error)"])
                }
            }
            try? await Task.sleep(for: .seconds(2))
        }
    }

    /// Publishes a heartbeat every 2.5 s for the first 30 s (peers bind our peer id before the first
    /// signatures arrive; the plugin accepts one per 2 s per peer), then every `heartbeatInterval`.
    func heartbeats() async {
        var round = 0
        while !Task.isCancelled {
            await recordOwnHeartbeat(await endpoint.publishHeartbeat(ethereumCursor: await ethereumCursor()))
            round += 1
            try? await Task.sleep(for: round < 12 ? .milliseconds(2_500) : heartbeatInterval)
        }
    }
}
