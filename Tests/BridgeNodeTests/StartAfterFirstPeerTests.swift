// SPDX-License-Identifier: Apache-2.0
@testable import BridgeNode
import Libp2pHost
import Logging
import Multiformats
import ServiceLifecycle
import Synchronization
import Testing

/// The aggregator's start waits for the host's first peer: it follows the host's peer events
/// (it polled every 200 ms before), and never waits past its timeout.
@Suite struct StartAfterFirstPeerTests {
    /// Records when it was started.
    final class Marker: Service, Sendable {
        let startedAt = Mutex<ContinuousClock.Instant?>(nil)
        func run() async throws { startedAt.withLock { $0 = .now } }
    }

    static func host(_ label: String) async throws -> (Libp2pHost, Multiaddr) {
        let host = Libp2pHost(
            privateKey: .generate(.ecdsaP256), configuration: Libp2pHostConfiguration(listenAddresses: [try Multiaddr("/ip4/127.0.0.1/tcp/0")]),
            logger: Logger(label: label))
        let bound = try await host.start()
        return (host, bound[0].appending(.p2p(host.peerID)))
    }

    @Test(.timeLimit(.minutes(1)))
    func theServiceStartsWhenTheFirstPeerConnects() async throws {
        let (relay, _) = try await Self.host("test.relay")
        let (peer, peerAddress) = try await Self.host("test.peer")
        let marker = Marker()
        let waiting = Task { try await StartAfterFirstPeer(base: marker, host: relay, timeout: .seconds(30)).run() }
        try await Task.sleep(for: .milliseconds(100))  // time in which nothing may start
        #expect(marker.startedAt.withLock { $0 } == nil, "no peer yet")
        let connecting = ContinuousClock.now
        _ = try await relay.connect(peerAddress)
        try await waiting.value
        let started = try #require(marker.startedAt.withLock { $0 })
        #expect(started - connecting < .seconds(10), "started by the connection, not by the 30 s timeout")
        await relay.shutdown()
        await peer.shutdown()
    }

    @Test(.timeLimit(.minutes(1)))
    func withAPeerAlreadyThereItStartsAtOnceAndWithoutOneAtTheTimeout() async throws {
        let (relay, _) = try await Self.host("test.relay")
        let (peer, peerAddress) = try await Self.host("test.peer")
        _ = try await relay.connect(peerAddress)
        let connected = ContinuousClock.now
        let marker = Marker()
        try await StartAfterFirstPeer(base: marker, host: relay, timeout: .seconds(30)).run()
        #expect(try #require(marker.startedAt.withLock { $0 }) - connected < .seconds(10))
        await relay.shutdown()
        await peer.shutdown()

        let (lonely, _) = try await Self.host("test.lonely")
        let alone = Marker()
        let begun = ContinuousClock.now
        try await StartAfterFirstPeer(base: alone, host: lonely, timeout: .milliseconds(300)).run()
        #expect(try #require(alone.startedAt.withLock { $0 }) - begun >= .milliseconds(300))
        await lonely.shutdown()
    }
}
