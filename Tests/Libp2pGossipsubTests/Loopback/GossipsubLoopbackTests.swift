// SPDX-License-Identifier: Apache-2.0
import Libp2pGossipsub
import Libp2pHost
import Multiformats
import NIOCore
import Testing

/// Swift nodes over real loopback TCP (mss → Noise → yamux → meshsub).
@Suite(.serialized)
struct GossipsubLoopbackTests {
    static let topic = ProtocolPlugin.koinosTopic(for: "bridge")

    @Test(arguments: [Libp2pKeyType.ed25519, .ecdsaP256])
    func threeNodesPublishAndReceive(keyType: Libp2pKeyType) async throws {
        let nodes = [
            try await GossipTestNode(keyType: keyType),
            try await GossipTestNode(keyType: .secp256k1),
            try await GossipTestNode(keyType: keyType),
        ]
        defer { Task { for node in nodes { await node.stop() } } }
        var streams: [AsyncStream<GossipMessage>] = []
        for node in nodes { streams.append(await node.gossipsub.subscribe(Self.topic)) }
        _ = try await nodes[1].host.connect(nodes[0].address)
        _ = try await nodes[2].host.connect(nodes[1].address)  // a line: 0 — 1 — 2, so 1 must forward
        try await waitUntil("mesh") {
            let middle = await nodes[1].gossipsub.meshPeers(Self.topic).count
            let first = await nodes[0].gossipsub.meshPeers(Self.topic).count
            let last = await nodes[2].gossipsub.meshPeers(Self.topic).count
            return middle == 2 && first == 1 && last == 1
        }
        for (index, node) in nodes.enumerated() {
            try await node.gossipsub.publish(Array("hello from \(index)".utf8), to: Self.topic)
        }
        for (index, stream) in streams.enumerated() {
            let received = try await collect(2, from: stream)
            let texts = Set(received.map { String(decoding: $0.data, as: UTF8.self) })
            let expected = Set((0..<3).filter { $0 != index }.map { "hello from \($0)" })
            #expect(texts == expected)
            for message in received {
                #expect(message.author.map { author in nodes.contains { $0.peerID == author } } == true)
                #expect(message.topic == Self.topic)
            }
        }
    }

    @Test func pluginRegistryServesStreamsAndTopicsAndUnknownProtocolsKeepTheConnection() async throws {
        let a = try await GossipTestNode()
        let b = try await GossipTestNode()
        defer { Task { await a.stop(); await b.stop() } }
        let echo = ProtocolPlugin.StreamProtocol("/koinos-bridge/echo/1.0.0") { stream in
            while let chunk = try? await stream.read() { try? await stream.write(chunk) }
            await stream.closeWrite()
        }
        // The plugin's validator rejects payloads starting with 0xBA.
        let topic = ProtocolPlugin.Topic(Self.topic) { $0.data.first == 0xBA ? .reject : .accept }
        try await b.gossipsub.register(ProtocolPlugin(name: "bridge", streamProtocols: [echo], topics: [topic]))
        try await a.gossipsub.register(ProtocolPlugin(name: "bridge", topics: [ProtocolPlugin.Topic(Self.topic)]))
        await #expect(throws: GossipsubError.self) {
            try await b.gossipsub.register(ProtocolPlugin(name: "other", topics: [ProtocolPlugin.Topic(Self.topic)]))
        }
        let inbox = await b.gossipsub.subscribe(Self.topic)
        let outbox = await a.gossipsub.subscribe(Self.topic)  // kept alive: dropping it unsubscribes
        _ = try await a.host.connect(b.address)

        // A protocol nobody registered: `na`, and the connection stays usable.
        await #expect(throws: (any Error).self) {
            _ = try await a.host.newStream(to: b.peerID, protocols: ["/nobody/1.0.0"])
        }
        let stream = try await a.host.newStream(to: b.peerID, protocols: ["/koinos-bridge/echo/1.0.0"])
        try await stream.write(.init(bytes: Array("ping".utf8)))
        await stream.closeWrite()
        let echoed = try await stream.readAll(maxLength: 100)
        #expect(Array(echoed.readableBytesView) == Array("ping".utf8))

        try await waitUntil("mesh") { await a.gossipsub.meshPeers(Self.topic) == [b.peerID] }
        try await a.gossipsub.publish([0xBA, 0xAD], to: Self.topic)
        try await a.gossipsub.publish([0x60, 0x0D], to: Self.topic)
        let received = try await collect(1, from: inbox)
        #expect(received.map(\.data) == [[0x60, 0x0D]])
        #expect(await b.gossipsub.score(of: a.peerID) < 0)
        _ = outbox

        // Unregistering removes the handler: the protocol is now refused, the connection stays.
        await b.gossipsub.unregister(plugin: "bridge")
        await #expect(throws: (any Error).self) {
            _ = try await a.host.newStream(to: b.peerID, protocols: ["/koinos-bridge/echo/1.0.0"])
        }
        #expect(await a.host.connectedPeers().contains(b.peerID))
    }

    @Test func localValidatorRefusesOurOwnBadPublication() async throws {
        let node = try await GossipTestNode()
        defer { Task { await node.stop() } }
        await node.gossipsub.registerTopic(.init("t") { _ in .reject })
        await #expect(throws: GossipsubError.self) { try await node.gossipsub.publish([1], to: "t") }
    }
}
