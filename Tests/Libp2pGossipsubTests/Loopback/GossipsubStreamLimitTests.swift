// SPDX-License-Identifier: Apache-2.0
import Libp2pGossipsub
import Libp2pHost
import Logging
import Multiformats
import NIOCore
import Testing

/// Issue 19 M2 over real loopback sockets: a stranger opening meshsub stream after meshsub stream
/// (each with its own decoder of up to 1 MiB) keeps only the newest one open.
@Suite(.serialized) struct GossipsubStreamLimitTests {
    /// True when `stream` is reset or closed by the far side within `seconds`.
    static func endsSoon(_ stream: Libp2pStream, seconds: Int = 10) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                do { return try await stream.read() == nil } catch { return true }
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(seconds))  // the deadline of the race, not a wait
                return false
            }
            defer { group.cancelAll() }
            return await group.next() ?? false
        }
    }

    @Test func duplicateInboundMeshsubStreamsAreReset() async throws {
        let node = try await GossipTestNode()
        let configuration = Libp2pHostConfiguration(listenAddresses: [try Multiaddr("/ip4/127.0.0.1/tcp/0")])
        let stranger = Libp2pHost(privateKey: .generate(.ed25519), configuration: configuration, logger: Logger(label: "bridge.p2p"))
        _ = try await stranger.start()
        _ = try await stranger.connect(node.address)
        var streams: [Libp2pStream] = []
        for _ in 0..<8 {
            let stream = try await stranger.newStream(to: node.peerID, protocols: [GossipsubProtocol.meshsub11.rawValue])
            // Half of a frame announcing 1 MiB: the decoder of this stream holds it.
            var partial = ByteBuffer(bytes: [0x80, 0x80, 0x40])
            partial.writeRepeatingByte(0, count: 200_000)
            try await stream.write(partial)
            streams.append(stream)
        }
        for (index, stream) in streams.dropLast().enumerated() {
            #expect(await Self.endsSoon(stream), "meshsub stream \(index) is still open")
        }
        try await waitUntil("one inbound stream") { await node.gossipsub.inboundStreamCount == 1 }
        // The newest stream is the one kept.
        #expect(await !Self.endsSoon(streams[streams.count - 1], seconds: 1))
        await stranger.shutdown()
        await node.stop()
    }

    @Test func outboundQueueToAPeerThatNeverReadsIsCappedInBytes() async throws {
        let node = try await GossipTestNode()
        let topic = "limits.queue"
        let inbox = await node.gossipsub.subscribe(topic)
        let configuration = Libp2pHostConfiguration(listenAddresses: [try Multiaddr("/ip4/127.0.0.1/tcp/0")])
        let stranger = Libp2pHost(privateKey: .generate(.ed25519), configuration: configuration, logger: Logger(label: "bridge.p2p"))
        _ = try await stranger.start()
        // The stranger accepts the node's meshsub stream and never reads it.
        stranger.setStreamHandler(GossipsubProtocol.meshsub11.rawValue) { _ in try? await Task.sleep(for: .seconds(15)) }  // the stuck peer is the test
        _ = try await stranger.connect(node.address)
        let stream = try await stranger.newStream(to: node.peerID, protocols: [GossipsubProtocol.meshsub11.rawValue])
        try await stream.write(ByteBuffer(bytes: GossipsubRPC(subscriptions: [.init(subscribe: true, topic: topic)]).lengthPrefixedEncoded))
        try await waitUntil("the stranger's subscription") { await node.gossipsub.peers(subscribedTo: topic) == [stranger.peerID] }
        // 200 messages of 60 KiB (12 MiB) flood-published to the one topic peer, which reads nothing.
        for index in 0..<200 {
            try await node.gossipsub.publish([UInt8(index % 256)] + [UInt8](repeating: 7, count: 60 * 1024), to: topic)
        }
        let queued = await node.gossipsub.queuedBytes(to: stranger.peerID)
        #expect(queued > 0)
        #expect(queued <= Gossipsub.outboundQueueBytes, "\(queued) bytes queued for a peer that never reads")
        _ = inbox
        await stream.reset()
        await stranger.shutdown()
        await node.stop()
    }
}
