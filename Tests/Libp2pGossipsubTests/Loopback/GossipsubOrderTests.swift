// SPDX-License-Identifier: Apache-2.0
import Libp2pGossipsub
import Libp2pHost
import Synchronization
import Testing

/// Delivery order and `join` over real sockets. A regression guard for the ordered work queue:
/// messages of one peer are validated one at a time in arrival order, so a slow first validation
/// is not overtaken. (This held before the queue too: inbound messages are validated on the
/// stream reader's own path; the queue orders the work the synchronous paths defer — disconnects
/// decided while screening an RPC, and a subscriber stream's end — which used to get a task each.)
@Suite struct GossipsubOrderTests {
    static let topic = "order-test"

    @Test(.timeLimit(.minutes(2)))
    func aSlowValidationIsNotOvertakenByALaterMessage() async throws {
        let sender = try await GossipTestNode()
        let receiver = try await GossipTestNode()
        await receiver.gossipsub.registerTopic(.init(Self.topic) { message in
            if message.data == [1] { try? await Task.sleep(for: .milliseconds(300)) }  // the slow validation is the test
            return .accept
        })
        let inbox = await receiver.gossipsub.subscribe(Self.topic)
        let outbox = await sender.gossipsub.subscribe(Self.topic)  // kept alive: dropping it unsubscribes
        _ = try await sender.host.connect(receiver.address)
        try await waitUntil("mesh", timeout: .seconds(40)) { await sender.gossipsub.meshPeers(Self.topic) == [receiver.peerID] }
        try await sender.gossipsub.publish([1], to: Self.topic)
        try await sender.gossipsub.publish([2], to: Self.topic)
        let received = try await collect(2, from: inbox)
        #expect(received.map(\.data) == [[1], [2]])
        _ = outbox
        await sender.stop()
        await receiver.stop()
    }

    /// `join` keeps a node in the topic's mesh without a subscriber stream; its validator still
    /// sees every message (the bridge transport hands messages over in its validator).
    @Test(.timeLimit(.minutes(2)))
    func aJoinedTopicMeshesAndValidatesWithoutASubscriber() async throws {
        let member = try await GossipTestNode()
        let publisher = try await GossipTestNode()
        let seen = Mutex<[[UInt8]]>([])
        await member.gossipsub.registerTopic(.init(Self.topic) { message in
            seen.withLock { $0.append(message.data) }
            return .accept
        })
        await member.gossipsub.join(Self.topic)
        let outbox = await publisher.gossipsub.subscribe(Self.topic)
        _ = try await publisher.host.connect(member.address)
        try await waitUntil("mesh", timeout: .seconds(40)) { await publisher.gossipsub.meshPeers(Self.topic) == [member.peerID] }
        try await publisher.gossipsub.publish([7], to: Self.topic)
        try await waitUntil("validation") { seen.withLock { $0 } == [[7]] }
        #expect(await member.gossipsub.meshPeers(Self.topic) == [publisher.peerID])
        _ = outbox
        await publisher.stop()
        await member.stop()
    }
}
