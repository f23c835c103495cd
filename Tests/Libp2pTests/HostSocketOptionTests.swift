// SPDX-License-Identifier: Apache-2.0
@testable import Libp2pHost
import Multiformats
import NIOCore
import ProcessTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The socket options of a libp2p connection, both ends. `.socketOption(.tcp_nodelay)` is
/// `setsockopt(SOL_SOCKET, 1)`, which is `SO_DEBUG`, not `TCP_NODELAY`: it needs `CAP_NET_ADMIN`, so
/// a node run as an unprivileged user (the systemd unit, the Docker image) failed every dial and
/// every inbound connection with `EACCES`; as root (these tests) it silently set `SO_DEBUG`.
@Suite(.serialized) struct HostSocketOptionTests {
    @Test func connectionsSetTCPNoDelayAndNeverSODebug() async throws {
        let (a, _) = try await HostFixtures.makeHost(.ed25519)
        let (b, addressB) = try await HostFixtures.makeHost(.ed25519)
        let peer = try await a.connect(addressB)
        #expect(await eventually(.seconds(30)) { b.connection(for: a.peerID) != nil })
        let outbound = try #require(a.connection(for: peer)).channel
        let inbound = try #require(b.connection(for: a.peerID)).channel
        for channel in [outbound, inbound] {
            let debug = try await channel.getOption(ChannelOptions.socketOption(NIOBSDSocket.Option(rawValue: SO_DEBUG))).get()
            let noDelay = try await channel.getOption(ChannelOptions.tcpOption(.tcp_nodelay)).get()
            #expect(debug == 0, "SO_DEBUG set (needs CAP_NET_ADMIN: EACCES for an unprivileged node)")
            #expect(noDelay != 0, "TCP_NODELAY")
        }
        await a.shutdown()
        await b.shutdown()
    }
}
