// SPDX-License-Identifier: Apache-2.0
import Libp2pHost
import Logging
import Multiformats
import ServiceLifecycle
import Testing
import ProcessTestSupport

@Suite struct HostServiceTests {
    @Test func runsInAServiceGroupAndStopsOnGracefulShutdown() async throws {
        let configuration = Libp2pHostConfiguration(listenAddresses: [try Multiaddr("/ip4/127.0.0.1/tcp/0")])
        let host = Libp2pHost(privateKey: .generate(.ecdsaP256), configuration: configuration, logger: Logger(label: "bridge.p2p.test"))
        let group = ServiceGroup(services: [host], logger: Logger(label: "bridge.p2p.test"))
        let running = Task { try await group.run() }
        #expect(await eventually(.seconds(30)) { await !host.listenAddresses().isEmpty })
        let (client, _) = try await HostFixtures.makeHost(.ed25519)
        let address = try #require(await host.listenAddresses().first).appending(.p2p(host.peerID))
        let peer = try await client.connect(address)
        #expect(try await client.ping(peer).count == 1)
        await group.triggerGracefulShutdown()
        try await running.value
        #expect(await eventually(.seconds(30)) { await client.connectedPeers().isEmpty })
        await client.shutdown()
    }
}
