// SPDX-License-Identifier: Apache-2.0
import KoinosP2P
import Libp2pHost
import Logging
import Multiformats
import NIOCore
import Testing
import ProcessTestSupport

/// A peer that keeps sending undecodable peer-RPC requests is scored as Koinos scores it: its
/// address is disconnected at 100,000 points and refused while at or above 50,000.
@Suite(.serialized) struct PeerErrorScoreWireTests {
    @Test(.timeLimit(.minutes(1)))
    func malformedPeerRPCGetsTheAddressDisconnectedThenRefused() async throws {
        let (server, address) = try await HostFixtures.makeHost(.ecdsaP256)
        let (client, _) = try await HostFixtures.makeHost(.ed25519)
        let peer = try await client.connect(address)
        for _ in 0..<30 {  // 5,000 each: past 100,000 (decay shaves a little) the connection is gone
            guard let stream = try? await client.newStream(to: peer, protocols: [KoinosPeerRPCServer.protocolID]) else { break }
            try? await stream.write(ByteBuffer(bytes: [0x82, 0xa4]))  // a map that never finishes
            await stream.closeWrite()
            _ = try? await stream.readAll(maxLength: 1024)
        }
        #expect(server.errorScore(of: "127.0.0.1") >= 95_000)
        let dropped = await eventually(.seconds(30)) { await !server.connectedPeers().contains(client.peerID) }
        #expect(dropped)
        let (late, _) = try await HostFixtures.makeHost(.ed25519)
        await #expect(throws: (any Error).self) { _ = try await late.connect(address) }
        for host in [server, client, late] { await host.shutdown() }
    }
}
