// SPDX-License-Identifier: Apache-2.0
import Libp2pGossipsub
import Libp2pHost
import Testing

/// The host's Koinos error score reaching gossipsub over real sockets (koinos.md §1.6–1.7): errors
/// scored on a peer's address become its application-specific score at the next heartbeat — one
/// error is tolerated, 30,000 points take it out of the mesh, past 50,000 it is graylisted and
/// disconnected, and the host refuses its address when it dials back.
struct ErrorScoreGossipLoopbackTests {
    static let topic = "plugin.bridge"

    @Test(.timeLimit(.minutes(3)))
    func koinosErrorScoreDrivesTheGossipScore() async throws {
        let relay = try await GossipTestNode()
        let peer = try await GossipTestNode()
        defer { Task { await relay.stop(); await peer.stop() } }
        let inbox = await relay.gossipsub.subscribe(Self.topic)
        let outbox = await peer.gossipsub.subscribe(Self.topic)
        _ = try await peer.host.connect(relay.address)
        try await waitUntil("mesh", timeout: .seconds(60)) { await relay.gossipsub.meshPeers(Self.topic) == [peer.peerID] }

        relay.host.reportPeerError(peer.peerID, points: 5_000, reason: "one peer-RPC error")
        try await Task.sleep(for: .milliseconds(2_500))  // two heartbeats
        #expect(await relay.gossipsub.score(of: peer.peerID) == 0)
        #expect(await relay.gossipsub.meshPeers(Self.topic) == [peer.peerID])

        relay.host.reportPeerError(peer.peerID, points: 25_000, reason: "more errors")
        try await waitUntil("pruned from the mesh", timeout: .seconds(60)) { await relay.gossipsub.meshPeers(Self.topic).isEmpty }
        let pruned = await relay.gossipsub.score(of: peer.peerID)
        #expect(pruned < 0 && pruned > GossipsubParameters.koinos.scoring.graylistThreshold)
        try await peer.gossipsub.publish([7], to: Self.topic)
        #expect(try await collect(1, from: inbox, timeout: .seconds(60)).map(\.data) == [[7]])  // not graylisted yet

        relay.host.reportPeerError(peer.peerID, points: 30_000, reason: "still more errors")
        try await waitUntil("disconnected", timeout: .seconds(60)) { await !relay.host.connectedPeers().contains(peer.peerID) }
        #expect(await relay.gossipsub.score(of: peer.peerID) < GossipsubParameters.koinos.scoring.graylistThreshold)
        // `connect` returns a connection the peer still holds: under load the peer can learn of the
        // close after the relay did, so the dial back waits until it has (or it would not dial).
        try await waitUntil("the peer sees the close", timeout: .seconds(60)) { await !peer.host.connectedPeers().contains(relay.peerID) }
        await #expect(throws: (any Error).self) { _ = try await peer.host.connect(relay.address) }
        _ = outbox
    }
}
