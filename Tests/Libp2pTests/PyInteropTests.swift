// SPDX-License-Identifier: Apache-2.0
import Libp2pHost
import Multiformats
import NIOCore
import ProcessTestSupport
import Testing

/// Interop with a real py-libp2p 0.8.1 peer over 127.0.0.1 (Noise + yamux, ping, identify, echo, `na`).
@Suite(.serialized, .enabled(if: PyLibp2pPeer.python != nil, Comment(rawValue: PyLibp2pPeer.skipReason)))
struct PyInteropTests {
    static let pyEcho = "/bridge-test/py-echo/1.0.0"

    static func deterministicPayload(_ size: Int) -> ByteBuffer {
        ByteBuffer(bytes: (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
    }

    @Test(arguments: [(Libp2pKeyType.ed25519, "secp256k1"), (.secp256k1, "ed25519")])
    func swiftDialsPy(swiftKey: Libp2pKeyType, pyKey: String) async throws {
        let py = try await PyLibp2pPeer.start(arguments: ["--key-type", pyKey, "--echo", Self.pyEcho])
        let (host, _) = try await HostFixtures.makeHost(swiftKey)
        let peer = try await host.connect(try Multiaddr(py.address))
        #expect(peer.description == py.peerID)
        let info = try #require(await host.connectionInfo(peer))
        #expect(info.security == "/noise")
        #expect(info.muxer == "/yamux/1.0.0")
        let connected = try await py.event(timeout: .seconds(10)) { $0["event"] as? String == "connected" }
        #expect(connected["security"] as? String == "/noise")
        #expect(connected["muxer"] as? String == "/yamux/1.0.0")
        #expect(try await host.ping(peer, count: 3).count == 3)
        // identify: Swift asked py
        #expect(await eventually(.seconds(30)) { await host.peerInfo(peer)?.agentVersion == "py-libp2p/0.8.1" })
        #expect(await host.peerInfo(peer)?.protocols.contains("/ipfs/ping/1.0.0") == true)
        // 100 kB echo through py's handler
        let stream = try await host.newStream(to: peer, protocols: [Self.pyEcho])
        let payload = Self.deterministicPayload(100_000)
        try await stream.write(payload)
        await stream.closeWrite()
        #expect(try await stream.readAll(maxLength: 200_000) == payload)
        // nobody serves this: na, and the connection is still usable
        await #expect(throws: Libp2pHostError.protocolNotSupported(["/nobody/1.0.0"])) {
            try await host.newStream(to: peer, protocols: ["/nobody/1.0.0"])
        }
        #expect(try await host.ping(peer).count == 1)
        // identify the other way: py asks Swift
        var identified = try await py.run(["cmd": "identify", "peer": host.peerID.description])
        if identified["ok"] as? Bool != true {  // one retry: py's 15 s command deadline can expire on a loaded CI machine
            identified = try await py.run(["cmd": "identify", "peer": host.peerID.description])
        }
        #expect(identified["ok"] as? Bool == true, "py identify failed: \(identified["error"] ?? "")")
        #expect(identified["protocol_version"] as? String == "koinos/p2p/1.0.0")
        await host.shutdown()
        await py.stop()
    }

    @Test func pyDialsSwift() async throws {
        let (host, address) = try await HostFixtures.makeHost(.ed25519)
        let events = host.peerEvents()
        let py = try await PyLibp2pPeer.start(arguments: ["--key-type", "secp256k1", "--connect", address.description])
        var iterator = events.makeAsyncIterator()
        let first = await iterator.next()
        #expect(first == .connected(try #require(PeerID(py.peerID)), outbound: false))
        let connected = try await py.event(timeout: .seconds(10)) { $0["event"] as? String == "connected" }
        #expect(connected["security"] as? String == "/noise")
        #expect(connected["muxer"] as? String == "/yamux/1.0.0")
        let ping = try await py.run(["cmd": "ping", "peer": host.peerID.description, "count": 3])
        #expect(ping["ok"] as? Bool == true)
        #expect((ping["rtts_ms"] as? [Double])?.count == 3)
        let identify = try await py.run(["cmd": "identify", "peer": host.peerID.description])
        #expect(identify["protocol_version"] as? String == "koinos/p2p/1.0.0")
        #expect((identify["protocols"] as? [String])?.contains(HostFixtures.echoProtocol) == true)
        #expect((identify["listen_addrs"] as? [String])?.first == address.withoutPeerID().description)
        let echo = try await py.run(["cmd": "echo", "peer": host.peerID.description, "protocol": HostFixtures.echoProtocol, "size": 100_000])
        #expect(echo["bytes"] as? Int == 100_000)
        #expect(echo["matches"] as? Bool == true)
        let refused = try await py.run(["cmd": "open", "peer": host.peerID.description, "protocol": "/nobody/1.0.0"])
        #expect(refused["ok"] as? Bool == false)
        let again = try await py.run(["cmd": "ping", "peer": host.peerID.description])
        #expect(again["ok"] as? Bool == true)
        // Swift identified py as well.
        let pyPeer = try #require(PeerID(py.peerID))
        #expect(await eventually(.seconds(30)) { await host.peerInfo(pyPeer)?.agentVersion == "py-libp2p/0.8.1" })
        await host.shutdown()
        await py.stop()
    }

    /// Issue 19 H1 from py-libp2p: ping streams fed without reading the echoes stall after one
    /// window in flight plus one window granted back; the host holds at most one window each.
    @Test func pyPingFloodStallsAtTheWindow() async throws {
        let (host, address) = try await HostFixtures.makeHost(.ed25519)
        let py = try await PyLibp2pPeer.start(arguments: ["--key-type", "ed25519", "--connect", address.description])
        _ = try await py.event(timeout: .seconds(10)) { $0["event"] as? String == "connected" }
        let flood = try await py.run(["cmd": "ping_flood", "peer": host.peerID.description, "streams": 4, "limit": 4 << 20, "timeout": 60])
        #expect(flood["ok"] as? Bool == true)
        let sent = try #require(flood["sent"] as? [Int])
        #expect(sent.count == 4)
        let window = 256 * 1024
        for bytes in sent {
            #expect(bytes >= window / 2, "the flood sent only \(bytes) bytes on a stream")  // the first window needs no grant
            #expect(bytes <= 2 * window + 16 * 1024, "a py ping stream sent \(bytes) bytes")
        }
        #expect(await host.bufferedBytes(from: try #require(PeerID(py.peerID))) <= 4 * window)
        await host.shutdown()
        await py.stop()
    }
}
