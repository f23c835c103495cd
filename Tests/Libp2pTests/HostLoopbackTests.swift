// SPDX-License-Identifier: Apache-2.0
import KoinosP2P
import Libp2pHost
import Logging
import Multiformats
import NIOCore
import NIOPosix
import Testing
import Primitives
import ProcessTestSupport

/// Helpers shared by the socket tests.
enum HostFixtures {
    static let echoProtocol = "/bridge-test/echo/1.0.0"
    static let mainnetChainID = Hex.decode("1220592bf18654fd07fdf5d500cde3e8402ecf7f81fa5dde8f14527b08bba8805f48")

    static func makeHost(_ type: Libp2pKeyType, maxConnections: Int = 128) async throws -> (Libp2pHost, Multiaddr) {
        var configuration = Libp2pHostConfiguration(listenAddresses: [try Multiaddr("/ip4/127.0.0.1/tcp/0")])
        configuration.maxConnections = maxConnections
        configuration.limits.reservedSlots = min(32, maxConnections / 4)
        configuration.limits.maxPerIP = 64  // every test peer dials from 127.0.0.1
        configuration.dialTimeout = .seconds(3)
        configuration.handshakeTimeout = .seconds(5)
        configuration.negotiationTimeout = .seconds(30)  // generous: CI machines run many suites at once
        let host = Libp2pHost(privateKey: .generate(type), configuration: configuration, logger: Logger(label: "bridge.p2p.test"))
        KoinosPeerRPCServer(source: StaticKoinosChain(chainID: mainnetChainID), logger: Logger(label: "test")).install(on: host)
        let bound = try await host.start()
        host.setStreamHandler(echoProtocol) { stream in
            while let chunk = try? await stream.read() { try? await stream.write(chunk) }
            await stream.closeWrite()
        }
        return (host, bound[0].appending(.p2p(host.peerID)))
    }

    static func payload(_ count: Int) -> ByteBuffer {
        var rng = SeededGenerator(seed: UInt64(count))
        return ByteBuffer(bytes: rng.bytes(count))
    }
}

@Suite(.serialized) struct HostLoopbackTests {
    @Test(arguments: [Libp2pKeyType.ecdsaP256, .ed25519, .secp256k1])
    func swiftToSwiftFullStack(type: Libp2pKeyType) async throws {
        let (a, _) = try await HostFixtures.makeHost(type)
        let (b, addressB) = try await HostFixtures.makeHost(.ecdsaP256)
        let events = b.peerEvents()
        let peer = try await a.connect(addressB)
        #expect(peer == b.peerID)
        let info = try #require(await a.connectionInfo(peer))
        #expect(info.security == "/noise" && info.muxer == "/yamux/1.0.0" && info.muxerInlined)
        #expect(try await a.ping(peer, count: 3).count == 3)
        // identify both ways
        #expect(await eventually(.seconds(30)) { await a.peerInfo(peer)?.protocolVersion == "koinos/p2p/1.0.0" })
        #expect(await eventually(.seconds(30)) { await b.peerInfo(a.peerID)?.protocols.contains(HostFixtures.echoProtocol) == true })
        #expect(await a.peerInfo(peer)?.publicKey == b.privateKey.publicKey)
        // 100 kB echo
        let stream = try await a.newStream(to: peer, protocols: [HostFixtures.echoProtocol])
        let payload = HostFixtures.payload(100_000)
        try await stream.write(payload)
        await stream.closeWrite()
        #expect(try await stream.readAll(maxLength: 200_000) == payload)
        // a protocol nobody serves: na, and the connection stays usable
        await #expect(throws: Libp2pHostError.protocolNotSupported(["/nobody/1.0.0"])) {
            try await a.newStream(to: peer, protocols: ["/nobody/1.0.0"])
        }
        #expect(try await a.ping(peer).count == 1)
        #expect(await a.connectedPeers() == [peer])
        var iterator = events.makeAsyncIterator()
        #expect(await iterator.next() == .connected(a.peerID, outbound: false))
        await a.disconnect(peer)
        var sawDisconnect = false
        while let event = await iterator.next() {
            if event == .disconnected(a.peerID) { sawDisconnect = true; break }
        }
        #expect(sawDisconnect)
        await a.shutdown()
        await b.shutdown()
    }

    @Test func koinosPeerRPCGetChainIDMatchesTheSpecBytes() async throws {
        let (a, _) = try await HostFixtures.makeHost(.ecdsaP256)
        let (b, addressB) = try await HostFixtures.makeHost(.ecdsaP256)
        let peer = try await a.connect(addressB)
        let stream = try await a.newStream(to: peer, protocols: ["/koinos/peerrpc/1.0.0"])
        try await stream.write(ByteBuffer(bytes: Hex.decode("82a44e616d65ae5065657252504353657276696365a64d6574686f64aa476574436861696e494480")))
        let reply = try await stream.readAll(maxLength: 4096)
        #expect(Hex.encode(Array(reply.readableBytesView)) ==
            "81a75365727669636582a44e616d65ae5065657252504353657276696365a64d6574686f64aa476574436861696e494481a24944da00221220592bf18654fd07fdf5d500cde3e8402ecf7f81fa5dde8f14527b08bba8805f48")
        let head = try await a.newStream(to: peer, protocols: ["/koinos/peerrpc/1.0.0"])
        try await head.write(ByteBuffer(bytes: Hex.decode("82a44e616d65ae5065657252504353657276696365a64d6574686f64ac47657448656164426c6f636b80")))
        let headReply = try await head.readAll(maxLength: 4096)
        #expect(Hex.encode(Array(headReply.readableBytesView)).hasSuffix("a648656967687400"))
        await a.shutdown()
        await b.shutdown()
    }

    @Test func malformedBytesCloseOnlyThatConnection() async throws {
        let (a, _) = try await HostFixtures.makeHost(.ed25519)
        let (b, addressB) = try await HostFixtures.makeHost(.ed25519)
        let (host, port) = try #require(addressB.hostAndPort)
        for garbage in [[UInt8](repeating: 0xff, count: 64), Array("\u{13}/multistream/1.0.0\n\u{07}/noise\n".utf8) + [0x00, 0x20] + [UInt8](repeating: 7, count: 32)] {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: host, port: port).get()
            try await channel.writeAndFlush(ByteBuffer(bytes: garbage))
            let closed = await eventually(.seconds(30)) { !channel.isActive }
            #expect(closed)
            try? await channel.close()
        }
        let peer = try await a.connect(addressB)
        #expect(try await a.ping(peer).count == 1)
        await a.shutdown()
        await b.shutdown()
    }

    @Test func dialBackoffAndConnectionLimit() async throws {
        let (a, _) = try await HostFixtures.makeHost(.ed25519)
        let (limited, limitedAddress) = try await HostFixtures.makeHost(.ed25519, maxConnections: 1)
        let (c, _) = try await HostFixtures.makeHost(.ed25519)
        _ = try await a.connect(limitedAddress)
        _ = try? await c.connect(limitedAddress)
        #expect(await eventually(.seconds(30)) { await limited.connectedPeers() == [a.peerID] })
        try? await Task.sleep(for: .milliseconds(300))  // time for a connection that must not come
        #expect(await limited.connectedPeers() == [a.peerID])
        let dead = try Multiaddr("/ip4/127.0.0.1/tcp/1")
        await #expect(throws: (any Error).self) { try await a.connect(dead) }
        await #expect(throws: Libp2pHostError.dialBackoff("/ip4/127.0.0.1/tcp/1")) { try await a.connect(dead) }
        for host in [a, limited, c] { await host.shutdown() }
    }
}
