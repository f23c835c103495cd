// SPDX-License-Identifier: Apache-2.0
import Libp2pGossipsub
import Libp2pHost
import Multiformats
import ProcessTestSupport
import Testing

/// Gossipsub with a real py-libp2p 0.8.1 peer (StrictSign both ways). Skipped, with the reason,
/// when the venv from `Tests/Interop/p2p/setup_venv.sh` is absent.
@Suite(
    .serialized,
    .enabled(if: PyLibp2pPeer.python != nil, Comment(rawValue: PyLibp2pPeer.skipReason))
)
struct GossipsubPyInteropTests {
    static let topic = ProtocolPlugin.koinosTopic(for: "bridge")

    @Test(arguments: [
        (Libp2pKeyType.ed25519, "secp256k1", true),
        (Libp2pKeyType.secp256k1, "ed25519", false),
    ])
    func messagesFlowBothWaysWithStrictSign(swiftKey: Libp2pKeyType, pyKey: String, swiftDials: Bool) async throws {
        let node = try await GossipTestNode(keyType: swiftKey)
        let inbox = await node.gossipsub.subscribe(Self.topic)
        var arguments = ["--topic", Self.topic, "--key-type", pyKey, "--heartbeat", "0.5"]
        if !swiftDials { arguments += ["--connect", node.address.description] }
        let py = try await PyLibp2pPeer.start(arguments: arguments, runFor: 60)
        if swiftDials { _ = try await node.host.connect(try Multiaddr(py.address)) }
        let swiftID = node.peerID.description
        let pyID = py.peerID

        // Both sides learn the other's subscription (hello RPCs), and py grafts us into its mesh.
        try await waitUntil("Swift sees py on the topic") {
            await node.gossipsub.peers(subscribedTo: Self.topic).map(\.description) == [pyID]
        }
        _ = try await py.event { event in
            event["event"] as? String == "mesh" && (event["peers"] as? [String])?.contains(swiftID) == true
        }

        // Swift → py: py verifies our signature (it only delivers StrictSign-valid messages).
        try await node.gossipsub.publish(Array("hello from swift".utf8), to: Self.topic)
        let received = try await py.event { event in
            event["event"] as? String == "message" && event["data"] as? String == "hello from swift"
        }
        #expect(received["from"] as? String == swiftID)
        #expect(received["has_signature"] as? Bool == true)

        // py → Swift: we verify py's signature (StrictSign) before delivering.
        try py.send(["cmd": "publish", "topic": Self.topic, "data": "hello from py"])
        let messages = try await collect(1, from: inbox, timeout: .seconds(15))
        #expect(messages.first.map { String(decoding: $0.data, as: UTF8.self) } == "hello from py")
        #expect(messages.first?.author?.description == pyID)
        #expect(messages.first?.receivedFrom?.description == pyID)
        await node.stop()
        await py.stop()
    }
}
