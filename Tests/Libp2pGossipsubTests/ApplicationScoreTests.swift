// SPDX-License-Identifier: Apache-2.0
import Testing

@testable import Libp2pGossipsub

/// The application-specific score (P5) fed from the Koinos error score, on the pure router: one
/// error is tolerated, a high error score takes the peer out of the mesh (and it cannot graft back),
/// past Koinos' refusal level the peer is graylisted (its messages dropped unread) and disconnected,
/// and the penalty goes as the error score decays.
struct ApplicationScoreTests {
    static let topic = "plugin.bridge"
    let mapping = KoinosErrorScoreMapping()
    let scoring = GossipsubParameters.koinos.scoring

    @Test func mappingToleratesOneErrorAndGraylistsAtKoinosRefusalLevel() {
        #expect(GossipsubParameters.koinos.errorScoreMapping == mapping)
        #expect(GossipsubParameters.goDefaults.errorScoreMapping == nil)
        #expect(mapping.applicationScore(errorScore: 0, scoring: scoring) == 0)
        #expect(mapping.applicationScore(errorScore: 5_000, scoring: scoring) == 0)
        #expect(mapping.applicationScore(errorScore: 5_001, scoring: scoring) < 0)
        #expect(mapping.applicationScore(errorScore: 50_000, scoring: scoring) == scoring.graylistThreshold)
        #expect(mapping.applicationScore(errorScore: 100_000, scoring: scoring) < scoring.disconnectThreshold)
        #expect(mapping.applicationScore(errorScore: .nan, scoring: scoring) == 0)
        #expect(mapping.applicationScore(errorScore: .infinity, scoring: scoring) == 0)
    }

    @Test func highErrorScorePrunesThenGraylistsAndDisconnects() throws {
        var network = RouterNetwork(count: 2, parameters: .koinos)
        network.connectAll()
        network.subscribeAll(Self.topic)
        network.heartbeat()
        let bad = network.peer(1)
        #expect(network.nodes[0].machine.meshPeers(Self.topic) == [bad])

        // 3,000 error points (one peer-RPC timeout): nothing changes.
        let tolerated = network.nodes[0].machine.setApplicationScores([bad: score(3_000)], now: network.now)
        network.apply(tolerated, at: 0)
        network.heartbeat(2)
        #expect(network.nodes[0].machine.score(bad) == 0)
        #expect(network.nodes[0].machine.meshPeers(Self.topic) == [bad])

        // 30,000: a negative score — pruned from our mesh, its GRAFTs refused, its messages still read.
        let negative = network.nodes[0].machine.setApplicationScores([bad: score(30_000)], now: network.now)
        network.apply(negative, at: 0)
        let penalised = network.nodes[0].machine.score(bad)
        #expect(penalised < scoring.gossipThreshold && penalised > scoring.graylistThreshold)
        network.heartbeat(3)
        #expect(network.nodes[0].machine.meshPeers(Self.topic).isEmpty)
        #expect(network.nodes[1].machine.meshPeers(Self.topic).isEmpty)  // it got our PRUNE
        try network.publish(from: 1, topic: Self.topic, data: [1])
        network.run()
        #expect(network.deliveredData(0, topic: Self.topic) == [[1]])

        // 60,000 (above Koinos' refusal level): graylisted and disconnected.
        let actions = network.nodes[0].machine.setApplicationScores([bad: score(60_000)], now: network.now)
        #expect(actions.contains { if case .disconnect(let peer, _) = $0 { peer == bad } else { false } })
        try network.publish(from: 1, topic: Self.topic, data: [2])
        network.run()
        #expect(network.deliveredData(0, topic: Self.topic) == [[1]])  // [2] dropped unread
        #expect(network.nodes[0].machine.dropCounts[.graylisted, default: 0] >= 1)

        // The error score decays below the tolerance: the penalty is gone.
        _ = network.nodes[0].machine.setApplicationScores([:], now: network.now)
        #expect(network.nodes[0].machine.score(bad) == 0)
    }

    private func score(_ errorPoints: Double) -> Double {
        mapping.applicationScore(errorScore: errorPoints, scoring: scoring)
    }
}
