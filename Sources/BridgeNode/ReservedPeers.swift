// SPDX-License-Identifier: Apache-2.0
import BridgeGossip
import Libp2pHost
import Multiformats

/// The peer ids the libp2p host keeps connection slots for (issue 19 H4): the configured ones
/// (`p2p.reserved_peers`, the bootstrap peers, the validators' `peer_id`) and the peer each
/// current validator's heartbeat is bound to.
struct ReservedPeers: Sendable {
    let configured: Set<PeerID>
    let endpoint: BridgeGossipEndpoint
    /// The current validator set's Koinos addresses.
    let validators: @Sendable () -> [[UInt8]]

    init(configured: Set<PeerID>, endpoint: BridgeGossipEndpoint, validators: @escaping @Sendable () -> [[UInt8]]) {
        self.configured = configured
        self.endpoint = endpoint
        self.validators = validators
    }

    func current() -> Set<PeerID> {
        var peers = configured
        for validator in validators() {
            if let bound = endpoint.boundPeer(of: validator), let peer = PeerID(bound) { peers.insert(peer) }
        }
        return peers
    }
}
