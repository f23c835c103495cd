// SPDX-License-Identifier: Apache-2.0
import Libp2pGossipsub
import Libp2pHost
import Logging
import Multiformats
import ProcessTestSupport
import Testing

/// ECDSA P-256 identities (KeyType 3, as Koinos nodes use) against an independent implementation:
/// py-libp2p 0.8.1 with the key classes of `Tests/Interop/p2p/p256.py` (Python `cryptography`),
/// both sides P-256. Noise, identify, ping and StrictSign gossip both ways, with Swift dialing py
/// and py dialing Swift; each side's peer id for the other must be what the other computes.
@Suite(.serialized, .enabled(if: PyLibp2pPeer.python != nil, Comment(rawValue: PyLibp2pPeer.skipReason)))
struct P256PyInteropTests {
    static let topic = ProtocolPlugin.koinosTopic(for: "bridge")
    /// py's key for seed 0x00…01 is the scalar seed mod (n − 1) + 1 = 2 (p256.py).
    static let pySeedHex = String(repeating: "0", count: 63) + "1"
    static let pyScalar = [UInt8](repeating: 0, count: 31) + [2]

    @Test(.timeLimit(.minutes(2)), arguments: [true, false])
    func noiseIdentifyPingAndGossipBothWays(swiftDials: Bool) async throws {
        let (host, address) = try await HostFixtures.makeHost(.ecdsaP256)
        let gossipsub = Gossipsub(host: host, parameters: .koinos, logger: Logger(label: "test.gossip"))
        let gossipTask = Task { try await gossipsub.run() }
        let inbox = await gossipsub.subscribe(Self.topic)
        var arguments = ["--key-type", "p256", "--seed-hex", Self.pySeedHex, "--topic", Self.topic, "--heartbeat", "0.5"]
        if !swiftDials { arguments += ["--connect", address.description] }
        let py = try await PyLibp2pPeer.start(arguments: arguments, runFor: 90)

        // Peer ids: py's is the sha2-256 multihash of its 95-byte ECDSA key, as Swift derives it from the same scalar.
        let expectedPy = try Libp2pPrivateKey(type: .ecdsaP256, rawScalar: Self.pyScalar).peerID
        #expect(py.peerID == expectedPy.description)
        #expect(py.peerID.hasPrefix("Qm") && host.peerID.description.hasPrefix("Qm"))
        let pyPeer: PeerID
        if swiftDials {
            pyPeer = try await host.connect(try Multiaddr(py.address))
        } else {
            #expect(await eventually(.seconds(30)) { await host.connectedPeers().contains(expectedPy) })
            pyPeer = expectedPy
        }
        #expect(pyPeer == expectedPy)
        let connected = try await py.event(timeout: .seconds(15)) { $0["event"] as? String == "connected" }
        #expect(connected["peer_id"] as? String == host.peerID.description)  // py's id for Swift = Swift's own
        #expect(connected["security"] as? String == "/noise")
        #expect(connected["muxer"] as? String == "/yamux/1.0.0")
        let info = try #require(await host.connectionInfo(pyPeer))
        #expect(info.security == "/noise" && info.muxer == "/yamux/1.0.0")

        // identify both ways: each side reads the other's KeyType 3 key, and it hashes to the peer id.
        #expect(await eventually(.seconds(30)) { await host.peerInfo(pyPeer)?.agentVersion == "py-libp2p/0.8.1" })
        let pyKey = try #require(await host.peerInfo(pyPeer)?.publicKey)
        #expect(pyKey.type == .ecdsaP256 && pyKey.data.count == 91 && pyKey.peerID == pyPeer)
        let identified = try await py.run(["cmd": "identify", "peer": host.peerID.description])
        #expect(identified["ok"] as? Bool == true, "py identify failed: \(identified["error"] ?? "")")
        #expect(identified["protocol_version"] as? String == "koinos/p2p/1.0.0")
        #expect(identified["public_key_hex"] as? String == Hex.encode(host.privateKey.publicKey.protobufEncoded))
        #expect((identified["public_key_hex"] as? String)?.hasPrefix("0803125b30593013") == true)

        // ping both ways
        #expect(try await host.ping(pyPeer, count: 3).count == 3)
        let ping = try await py.run(["cmd": "ping", "peer": host.peerID.description, "count": 3])
        #expect(ping["ok"] as? Bool == true)
        #expect((ping["rtts_ms"] as? [Double])?.count == 3)

        // gossip both ways, StrictSign with ECDSA signatures and the key in each message
        let swiftID = host.peerID.description
        #expect(await eventually(.seconds(30)) { await gossipsub.peers(subscribedTo: Self.topic).contains(pyPeer) })
        _ = try await py.event(timeout: .seconds(15)) { event in
            event["event"] as? String == "mesh" && (event["peers"] as? [String])?.contains(swiftID) == true
        }
        _ = try await gossipsub.publish(Array("p256 hello from swift".utf8), to: Self.topic)
        let received = try await py.event(timeout: .seconds(15)) { event in
            event["event"] as? String == "message" && event["data"] as? String == "p256 hello from swift"
        }
        #expect(received["from"] as? String == swiftID)
        #expect(received["has_signature"] as? Bool == true && received["has_key"] as? Bool == true)
        try py.send(["cmd": "publish", "topic": Self.topic, "data": "p256 hello from py"])
        let message = try await Self.first(from: inbox, timeout: .seconds(15))
        #expect(message.map { String(decoding: $0.data, as: UTF8.self) } == "p256 hello from py")
        #expect(message?.author == pyPeer)

        gossipTask.cancel()
        _ = try? await gossipTask.value
        await host.shutdown()
        await py.stop()
    }

    /// The first message on `stream`, nil after `timeout`.
    static func first(from stream: AsyncStream<GossipMessage>, timeout: Duration) async throws -> GossipMessage? {
        try await withThrowingTaskGroup(of: GossipMessage?.self) { group in
            group.addTask {
                for await message in stream { return message }
                return nil
            }
            group.addTask {
                try await Task.sleep(for: timeout)  // the deadline of the race, not a wait
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
    }
}
