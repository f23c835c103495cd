// SPDX-License-Identifier: Apache-2.0
import BridgeAttestation
import BridgeCore
import BridgeGossip
import BridgeHTTPAPI
import ChainCrypto
import Foundation
import KoinosP2P
import Libp2pHost
import Multiformats
import ServiceLifecycle
import Synchronization

/// Lets the gossip endpoint (built first) ask the aggregator (built second) which digests are
/// settled: the endpoint and the aggregator each need the other at construction.
final class SettledDigestsForwarder: SettledDigestLookup {
    private let target = Mutex<SettledDigests?>(nil)

    func connect(_ settled: SettledDigests) { target.withLock { $0 = settled } }

    func isSettled(_ digest: [UInt8], validator: [UInt8]) -> Bool {
        target.withLock { $0 }?.isSettled(digest, validator: validator) ?? false
    }
}

/// `/v1/peers` from the running libp2p host: configured bootstrap peers and every connected
/// peer, each with the validator its heartbeat bound it to.
struct LivePeerDirectory: PeerDirectory {
    let host: Libp2pHost
    let endpoint: BridgeGossipEndpoint
    let bootstrap: [String]
    let koinosPeers: [String]
    let koinos: KoinosPeering
    let validators: @Sendable () -> [[UInt8]]

    func peers() async -> [PeerSnapshot] {
        let connected = Set(await host.connectedPeers().map(\.description))
        var bound: [String: String] = [:]
        for validator in validators() {
            if let peer = endpoint.boundPeer(of: validator), let address = KoinosAddress(bytes: validator) {
                bound[peer] = address.base58
            }
        }
        var out: [PeerSnapshot] = []
        var seen = Set<String>()
        for address in bootstrap {
            let peer = address.components(separatedBy: "/p2p/").last ?? address
            seen.insert(peer)
            out.append(PeerSnapshot(peerID: peer, addresses: [address], connected: connected.contains(peer), validator: bound[peer]))
        }
        for address in koinosPeers {
            let peer = address.components(separatedBy: "/p2p/").last ?? address
            seen.insert(peer)
            var snapshot = PeerSnapshot(peerID: peer, addresses: [address], connected: connected.contains(peer), validator: nil)
            snapshot.role = "koinos"
            if let id = PeerID(peer), let report = koinos.report(for: id) {
                snapshot.koinosHandshake = report.refusal.map { "refused: \($0)" } ?? "accepted (head \(report.headHeight ?? 0))"
            }
            out.append(snapshot)
        }
        for peer in connected.sorted() where !seen.contains(peer) {
            out.append(PeerSnapshot(peerID: peer, addresses: [], connected: true, validator: bound[peer]))
        }
        return out
    }
}

/// Runs a service whose loop ends with `CancellationError` when graceful shutdown cancels it (the
/// Koinos submitter's sleep does): that is a clean stop, not a failure, so the group goes on
/// shutting down the others gracefully instead of cancelling them (and the store's last writes).
struct CleanStopOnShutdown: Service {
    let base: any Service

    func run() async throws {
        do {
            try await base.run()
        } catch is CancellationError {
            // Stopped by graceful shutdown or by the group: nothing failed.
        }
    }
}

/// Starts a service once the libp2p host has a peer (at most `timeout` later): the aggregator's
/// restore asks connected peers for the quorum sets this node missed while it was down, which
/// only works once a peer is there.
struct StartAfterFirstPeer: Service {
    let base: any Service
    let host: Libp2pHost
    let timeout: Duration

    func run() async throws {
        await waitForFirstPeer()
        try await base.run()
    }

    /// Returns at the host's first connection (at once if it has one), after `timeout`, or at
    /// graceful shutdown: driven by the host's peer events, not by polling.
    func waitForFirstPeer() async {
        let events = host.peerEvents()  // subscribed before looking, so a connection in between is seen
        guard await host.connectedPeers().isEmpty else { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await event in events {
                    if case .connected = event { return }
                }
            }
            group.addTask { try? await Task.sleep(for: timeout) }
            group.addTask { try? await gracefulShutdown() }
            await group.next()
            group.cancelAll()
        }
    }
}
