// SPDX-License-Identifier: Apache-2.0
@testable import Libp2pHost
import Logging
import Multiformats
import NIOCore
import NIOPosix
import Testing
import ProcessTestSupport

/// Issue 19 H4 and L3 on real loopback sockets: strangers fill the table, a reserved (validator)
/// peer still gets in; handshake floods, per-IP and per-peer excess are closed at once; idle
/// strangers are dropped; identify push cannot plant a foreign key.
@Suite(.serialized) struct ConnectionLimitsWireTests {
    static func makeHost(_ limits: ConnectionLimits) async throws -> (Libp2pHost, Multiaddr) {
        var configuration = Libp2pHostConfiguration(listenAddresses: [try Multiaddr("/ip4/127.0.0.1/tcp/0")])
        configuration.limits = limits
        configuration.dialTimeout = .seconds(3)
        configuration.handshakeTimeout = .seconds(8)
        configuration.negotiationTimeout = .seconds(30)
        var logger = Logger(label: "bridge.p2p.test")
        logger.logLevel = .error
        let host = Libp2pHost(privateKey: .generate(.ed25519), configuration: configuration, logger: logger)
        let bound = try await host.start()
        return (host, bound[0].appending(.p2p(host.peerID)))
    }

    /// Loose limits for the dialing side, so only the listener's limits are under test.
    static var loose: ConnectionLimits {
        var limits = ConnectionLimits()
        limits.maxPerIP = 1000
        limits.maxPerPeer = 1000
        limits.maxPendingHandshakes = 1000
        return limits
    }

    static func listenerLimits(total: Int = 128, reserved: Int = 32, perIP: Int = 1000, perPeer: Int = 2, handshakes: Int = 1000) -> ConnectionLimits {
        var limits = ConnectionLimits()
        limits.maxConnections = total
        limits.reservedSlots = reserved
        limits.maxPerIP = perIP
        limits.maxPerPeer = perPeer
        limits.maxPendingHandshakes = handshakes
        return limits
    }

    /// TCP connections that never speak: each holds a handshake slot until the listener gives up.
    static func silentSockets(_ count: Int, to address: Multiaddr) async throws -> [any Channel] {
        let (host, port) = try #require(address.hostAndPort)
        var channels: [any Channel] = []
        for _ in 0..<count {
            channels.append(try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: host, port: port).get())
        }
        return channels
    }

    @Test func strangersFillTheSharedSlotsAndAValidatorStillConnects() async throws {
        let (listener, address) = try await Self.makeHost(Self.listenerLimits(total: 6, reserved: 2))
        var strangers: [Libp2pHost] = []
        for _ in 0..<6 {
            let (stranger, _) = try await Self.makeHost(Self.loose)
            strangers.append(stranger)
            _ = try? await stranger.connect(address)
        }
        #expect(await eventually(.seconds(30)) { listener.connectionCounts().connections == 4 })
        try await Task.sleep(for: .milliseconds(300))  // time for a connection that must not come
        #expect(listener.connectionCounts().connections == 4)  // 6 tried, 4 shared slots
        let (validator, _) = try await Self.makeHost(Self.loose)
        listener.setReservedPeers([validator.peerID])
        let peer = try await validator.connect(address)
        #expect(await eventually(.seconds(30)) { await listener.connectedPeers().contains(validator.peerID) })
        #expect(try await validator.ping(peer).count == 1)
        for host in strangers + [validator, listener] { await host.shutdown() }
    }

    /// The scenario at the default limits: 128 strangers (one address here, so the per-IP
    /// limit is raised to stand for many machines) and then a validator.
    @Test func atTheDefaultLimits128StrangersLeaveRoomForValidators() async throws {
        let (listener, address) = try await Self.makeHost(Self.listenerLimits(perIP: 1000))
        var strangers: [Libp2pHost] = []
        for _ in 0..<128 {
            let (stranger, _) = try await Self.makeHost(Self.loose)
            strangers.append(stranger)
            _ = try? await stranger.connect(address)
        }
        #expect(await eventually(.seconds(30)) { listener.connectionCounts().connections == 96 })
        var validators: [Libp2pHost] = []
        for _ in 0..<3 {
            let (validator, _) = try await Self.makeHost(Self.loose)
            validators.append(validator)
        }
        listener.setReservedPeers(Set(validators.map(\.peerID)))
        for validator in validators { _ = try await validator.connect(address) }
        let connected = Set(validators.map(\.peerID))
        #expect(await eventually(.seconds(30)) { connected.isSubset(of: Set(await listener.connectedPeers())) })
        #expect(listener.connectionCounts().connections == 99)
        for host in strangers + validators + [listener] { await host.shutdown() }
    }

    @Test func aValidatorArrivingAtAFullTableEvictsAStranger() async throws {
        let (listener, address) = try await Self.makeHost(Self.listenerLimits(total: 4, reserved: 0))
        var strangers: [Libp2pHost] = []
        for _ in 0..<4 {
            let (stranger, _) = try await Self.makeHost(Self.loose)
            strangers.append(stranger)
            _ = try await stranger.connect(address)
        }
        #expect(await eventually(.seconds(30)) { listener.connectionCounts().connections == 4 })
        let (validator, _) = try await Self.makeHost(Self.loose)
        listener.setReservedPeers([validator.peerID])
        _ = try await validator.connect(address)
        #expect(await eventually(.seconds(30)) { await listener.connectedPeers().contains(validator.peerID) })
        #expect(await eventually(.seconds(30)) { listener.connectionCounts().connections == 4 })
        #expect(await eventually(.seconds(30)) { await listener.connectedPeers().count == 4 })  // the evicted one has closed
        for host in strangers + [validator, listener] { await host.shutdown() }
    }

    @Test func handshakeFloodIsBoundedAndClosedAtOnce() async throws {
        let (listener, address) = try await Self.makeHost(Self.listenerLimits(handshakes: 4))
        let sockets = try await Self.silentSockets(12, to: address)
        // The 8 beyond the cap are closed by the listener long before the 8 s handshake timeout.
        #expect(await eventually(.seconds(8)) { sockets.count { !$0.isActive } >= 8 })
        #expect(listener.connectionCounts().pendingHandshakes <= 4)
        #expect(sockets.count { $0.isActive } == 4)
        for socket in sockets { try? await socket.close() }
        #expect(await eventually(.seconds(30)) { listener.connectionCounts().pendingHandshakes == 0 })
        let (peer, _) = try await Self.makeHost(Self.loose)
        _ = try await peer.connect(address)
        #expect(await eventually(.seconds(30)) { await listener.connectedPeers() == [peer.peerID] })
        await peer.shutdown()
        await listener.shutdown()
    }

    @Test func oneAddressGetsAtMostPerIPConnections() async throws {
        let (listener, address) = try await Self.makeHost(Self.listenerLimits(perIP: 3))
        let sockets = try await Self.silentSockets(5, to: address)
        #expect(await eventually(.seconds(8)) { sockets.count { !$0.isActive } == 2 })
        try await Task.sleep(for: .milliseconds(200))  // time for a connection that must not come
        #expect(sockets.count { $0.isActive } == 3)
        for socket in sockets { try? await socket.close() }
        await listener.shutdown()
    }

    @Test func onePeerGetsAtMostTwoConnections() async throws {
        let (listener, address) = try await Self.makeHost(Self.listenerLimits())
        let (peer, _) = try await Self.makeHost(Self.loose)
        let plain = address.withoutPeerID()  // no /p2p: every dial opens a new connection
        for _ in 0..<4 { _ = try? await peer.connect(plain) }
        #expect(await eventually(.seconds(30)) { listener.connectionCounts().connections == 2 })
        try await Task.sleep(for: .milliseconds(300))  // time for a connection that must not come
        #expect(listener.connectionCounts().connections == 2)
        await peer.shutdown()
        await listener.shutdown()
    }

    @Test func idleStrangersAreClosedReservedPeersKept() async throws {
        var limits = Self.listenerLimits()
        limits.idleTimeout = .milliseconds(600)
        let (listener, address) = try await Self.makeHost(limits)
        let (stranger, _) = try await Self.makeHost(Self.loose)
        let (validator, _) = try await Self.makeHost(Self.loose)
        listener.setReservedPeers([validator.peerID])
        _ = try await stranger.connect(address)
        _ = try await validator.connect(address)
        #expect(await eventually(.seconds(30)) { await listener.connectedPeers().count == 2 })
        #expect(await eventually(.seconds(30)) { await listener.connectedPeers() == [validator.peerID] })
        try await Task.sleep(for: .seconds(1))  // time for a connection that must not come
        #expect(await listener.connectedPeers() == [validator.peerID])
        for host in [stranger, validator, listener] { await host.shutdown() }
    }

    @Test func identifyPushWithAForeignKeyIsNotStored() async throws {
        let (listener, address) = try await Self.makeHost(Self.loose)
        let (pusher, _) = try await Self.makeHost(Self.loose)
        let peer = try await pusher.connect(address)
        #expect(await eventually(.seconds(30)) { await listener.peerInfo(pusher.peerID)?.publicKey == pusher.privateKey.publicKey })
        let victim = Libp2pPrivateKey.generate(.ed25519).publicKey
        var forged = IdentifyInfo()
        forged.publicKey = victim
        forged.agentVersion = "forged"
        var marker = IdentifyInfo()
        marker.agentVersion = "marker"
        for info in [forged, marker] {
            try await Task.sleep(for: .milliseconds(300))  // one push handled before the next is sent
            let stream = try await pusher.newStream(to: peer, protocols: [Libp2pProtocols.identifyPush])
            try await stream.writeLengthPrefixed(ByteBuffer(bytes: info.encoded()))
            await stream.closeWrite()
        }
        // The marker (pushed after the forgery, on the same connection) arrives; the forgery never does.
        #expect(await eventually(.seconds(30)) { await listener.peerInfo(pusher.peerID)?.agentVersion == "marker" })
        #expect(await listener.peerInfo(pusher.peerID)?.publicKey == pusher.privateKey.publicKey)
        await pusher.shutdown()
        await listener.shutdown()
    }
}
