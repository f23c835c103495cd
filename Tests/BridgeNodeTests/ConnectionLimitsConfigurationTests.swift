// SPDX-License-Identifier: Apache-2.0
@testable import BridgeNode
import Foundation
import Multiformats
import Testing

/// `p2p.max_connections`, `p2p.max_connections_per_ip`, `p2p.reserved_peers` (issue 19 H4).
struct ConnectionLimitsConfigurationTests {
    @Test func defaultsAndValuesAreRead() throws {
        let defaults = try BridgeNodeConfiguration.load(path: try ConfigurationTests.write("p2p:\n  topic: plugin.bridge\n"), environment: [:])
        #expect(defaults.p2p.maxConnections == 128 && defaults.p2p.maxConnectionsPerIP == 8 && defaults.p2p.reservedPeers == [])
        let yaml = "p2p:\n  max_connections: 300\n  max_connections_per_ip: 20\n  reserved_peers: [12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA]\n"
        let c = try BridgeNodeConfiguration.load(path: try ConfigurationTests.write(yaml), environment: [:])
        #expect(c.p2p.maxConnections == 300 && c.p2p.maxConnectionsPerIP == 20)
        #expect(c.p2p.reservedPeers == ["12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA"])
        let keys = Set(c.validate().map(\.key))
        #expect(!keys.contains("p2p.max_connections") && !keys.contains("p2p.reserved_peers[0]"))
    }

    @Test func badValuesNameTheirKeys() throws {
        let yaml = "p2p:\n  max_connections: 10\n  max_connections_per_ip: 0\n  reserved_peers: [not-a-peer]\n"
        let c = try BridgeNodeConfiguration.load(path: try ConfigurationTests.write(yaml), environment: [:])
        let keys = Set(c.validate().map(\.key))
        #expect(keys.isSuperset(of: ["p2p.max_connections", "p2p.max_connections_per_ip", "p2p.reserved_peers[0]"]))
    }

    @Test func typedConfigurationReservesListedBootstrapAndValidatorPeers() throws {
        let extra = "12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA"
        let typed = try ValidConfiguration.make(
            dataDir: NSTemporaryDirectory() + "bridge-reserved-" + UUID().uuidString,
            ["p2p.reserved_peers=\(extra)", "p2p.max_connections_per_ip=20"])
        let expected = Set(
            typed.source.validators.compactMap { PeerID($0.peerID) } + typed.p2p.bootstrap.compactMap(\.peerID) + [PeerID(extra)].compactMap { $0 })
        #expect(expected.count >= 3)
        #expect(typed.p2p.reservedPeers == expected)
        #expect(typed.p2p.maxConnections == 128 && typed.p2p.maxConnectionsPerIP == 20)
    }
}
