// SPDX-License-Identifier: Apache-2.0
import Testing

@testable import Libp2pGossipsub

/// Router state machines against each other: virtual clock, in-memory wire, no sockets.
struct GossipsubRouterTests {
    static let topic = "plugin.bridge"

    @Test(arguments: [2, 5, 10])
    func meshFormsWithinBoundsAndMessagesReachAll(nodeCount: Int) throws {
        var network = RouterNetwork(count: nodeCount, parameters: .goDefaults)
        network.connectAll()
        network.subscribeAll(Self.topic)
        network.heartbeat(3)
        let parameters = GossipsubParameters.goDefaults
        for index in network.nodes.indices {
            let mesh = network.nodes[index].machine.meshPeers(Self.topic)
            let expectedMinimum = min(parameters.dLow, nodeCount - 1)
            #expect(mesh.count >= expectedMinimum && mesh.count <= parameters.dHigh)
            // Meshes are symmetric: GRAFT/PRUNE are acknowledged implicitly on both sides.
            for peer in mesh {
                #expect(network.nodes[network.index(of: peer)].machine.meshPeers(Self.topic).contains(network.peer(index)))
            }
        }
        for publisher in [0, nodeCount - 1] {
            try network.publish(from: publisher, topic: Self.topic, data: Array("from \(publisher)".utf8))
        }
        network.run()
        for index in network.nodes.indices {
            let data = Set(network.deliveredData(index, topic: Self.topic))
            let expected = Set([0, nodeCount - 1].filter { $0 != index }.map { Array("from \($0)".utf8) })
            #expect(data == expected)
        }
    }

    @Test func meshAboveDHighIsPrunedToD() throws {
        var parameters = GossipsubParameters.goDefaults
        parameters.dHigh = 6
        parameters.d = 4
        parameters.dLow = 3
        parameters.dScore = 2
        parameters.dOut = 1
        var network = RouterNetwork(count: 10, parameters: parameters)
        network.connectAll()
        // Node 0 accepts every GRAFT (they arrive before it has a mesh of its own beyond D).
        network.subscribeAll(Self.topic)
        network.heartbeat(2)
        let mesh = network.nodes[0].machine.meshPeers(Self.topic)
        #expect(mesh.count >= parameters.dLow && mesh.count <= parameters.dHigh)
    }

    @Test func ihaveIwantRepairsAMissedMessage() throws {
        var parameters = GossipsubParameters.goDefaults
        parameters.d = 1
        parameters.dLow = 1
        parameters.dHigh = 1
        parameters.dScore = 1
        parameters.dOut = 0
        var network = RouterNetwork(count: 3, parameters: parameters)
        network.connectAll()
        network.subscribeAll(Self.topic)
        network.heartbeat()
        // Drop every direct link into node 2 for the publication itself.
        network.droppedLinks = [[0, 2], [1, 2]]
        let id = try network.publish(from: 0, topic: Self.topic, data: [42])
        network.run()
        #expect(network.deliveredData(2, topic: Self.topic).isEmpty)
        network.droppedLinks = []
        network.heartbeat(2)  // IHAVE from 0 or 1 → IWANT from 2 → message
        #expect(network.deliveredData(2, topic: Self.topic) == [[42]])
        #expect(network.nodes[2].delivered.first?.id == id)
    }

    @Test func pruneBackoffIsRespectedAndGraftDuringBackoffIsPenalised() throws {
        var network = RouterNetwork(count: 2, parameters: .goDefaults)
        network.connect(0, 1)
        network.subscribeAll(Self.topic)
        network.heartbeat()
        #expect(network.nodes[0].machine.meshPeers(Self.topic) == [network.peer(1)])
        // Node 1 leaves the topic: PRUNE with the unsubscribe backoff (10 s) on both sides.
        network.apply(network.nodes[1].machine.unsubscribe(Self.topic, now: network.now), at: 1)
        network.run()
        #expect(network.nodes[0].machine.meshPeers(Self.topic).isEmpty)
        #expect(network.nodes[0].machine.isBackingOff(network.peer(1), topic: Self.topic, now: network.now))
        // It rejoins at once: neither side grafts while backing off.
        network.apply(network.nodes[1].machine.subscribe(Self.topic, now: network.now), at: 1)
        network.run()
        network.heartbeat(5)
        #expect(network.nodes[0].machine.meshPeers(Self.topic).isEmpty)
        // A GRAFT sent anyway during the backoff is refused with a PRUNE and penalised (P7).
        let graft = GossipsubRPC(control: .init(graft: [.init(topic: Self.topic)]))
        let reply = network.nodes[0].machine.handleRPC(graft, from: network.peer(1), now: network.now)
        #expect(reply.count == 1)
        guard case .send(let to, let rpc) = reply.first else { Issue.record("expected a PRUNE"); return }
        #expect(to == network.peer(1))
        #expect(rpc.control?.prune == [.init(topic: Self.topic, backoffSeconds: 60)])
        #expect(network.nodes[0].machine.meshPeers(Self.topic).isEmpty)
        #expect(network.nodes[0].machine.score(network.peer(1)) < 0)
        // Once the penalty has decayed to zero and a backoff expires, the mesh re-forms.
        network.heartbeat(30)
        #expect(network.nodes[0].machine.meshPeers(Self.topic).isEmpty)
        network.heartbeat(600)
        #expect(network.nodes[0].machine.meshPeers(Self.topic) == [network.peer(1)])
    }

    @Test func invalidMessagesLowerTheScoreThenPruneThenDisconnect() throws {
        var network = RouterNetwork(count: 3, parameters: .koinos)
        network.connectAll()
        network.subscribeAll(Self.topic)
        network.heartbeat()
        network.nodes[0].validator = { $0.data.first == 0xBA ? .reject : .accept }
        let bad = network.peer(1)
        #expect(network.nodes[0].machine.meshPeers(Self.topic).contains(bad))

        try network.publish(from: 1, topic: Self.topic, data: [0xBA, 1])
        network.run()
        #expect(network.nodes[0].machine.score(bad) < 0)
        #expect(network.nodes[0].disconnectRequests.isEmpty)
        network.heartbeat()
        #expect(!network.nodes[0].machine.meshPeers(Self.topic).contains(bad))  // pruned

        for round in 2...3 {
            try network.publish(from: 1, topic: Self.topic, data: [0xBA, UInt8(round)])
            network.run()
        }
        #expect(network.nodes[0].disconnectRequests == [bad])
        #expect(!network.nodes[0].machine.connectedPeers.contains(bad))
        // The good peer still gets through.
        try network.publish(from: 2, topic: Self.topic, data: [7])
        network.run()
        #expect(network.deliveredData(0, topic: Self.topic) == [[7]])
    }

    @Test func ignoredMessagesAreNotForwardedNorPenalised() throws {
        var network = RouterNetwork(count: 3, parameters: .goDefaults)
        network.connect(0, 1)
        network.connect(1, 2)
        network.subscribeAll(Self.topic)
        network.nodes[1].validator = { _ in .ignore }
        try network.publish(from: 0, topic: Self.topic, data: [1])
        network.run()
        #expect(network.nodes[1].delivered.isEmpty)
        #expect(network.nodes[2].delivered.isEmpty)
        #expect(network.nodes[1].machine.score(network.peer(0)) == 0)
    }

    @Test func fanoutCarriesPublicationsToATopicWeDoNotJoin() throws {
        var network = RouterNetwork(count: 3, parameters: .goDefaults)
        network.connectAll()
        for index in 1...2 { network.apply(network.nodes[index].machine.subscribe(Self.topic, now: network.now), at: index) }
        network.run()
        try network.publish(from: 0, topic: Self.topic, data: [5])
        network.run()
        #expect(network.nodes[0].machine.fanoutPeers(Self.topic).count == 2)
        #expect(network.deliveredData(1, topic: Self.topic) == [[5]])
        #expect(network.deliveredData(2, topic: Self.topic) == [[5]])
        network.heartbeat(62)  // fanout TTL 60 s
        #expect(network.nodes[0].machine.fanoutPeers(Self.topic).isEmpty)
    }

    @Test func duplicatesAreDeliveredOnce() throws {
        var network = RouterNetwork(count: 6, parameters: .koinos)  // flood publish: many paths
        network.connectAll()
        network.subscribeAll(Self.topic)
        network.heartbeat(2)
        for round in 0..<5 { try network.publish(from: round, topic: Self.topic, data: [UInt8(round)]) }
        network.run()
        network.heartbeat(3)
        for index in network.nodes.indices {
            #expect(network.deliveredData(index, topic: Self.topic).count == (index < 5 ? 4 : 5))
        }
    }

    @Test func graylistedPeersAreIgnored() throws {
        var network = RouterNetwork(count: 2, parameters: .koinos)
        network.connect(0, 1)
        network.subscribeAll(Self.topic)
        network.nodes[0].validator = { _ in .reject }
        try network.publish(from: 1, topic: Self.topic, data: [1])
        try network.publish(from: 1, topic: Self.topic, data: [2])
        network.run()
        let score = network.nodes[0].machine.score(network.peer(1))
        #expect(score < GossipsubParameters.koinos.scoring.gossipThreshold)
        #expect(score > GossipsubParameters.koinos.scoring.graylistThreshold)
    }
}
