// SPDX-License-Identifier: Apache-2.0

/// A peer as the router sees it: the peer id's multihash bytes (the same bytes as a message's `from`).
///
/// The router is pure and knows nothing of the host, so it keys peers by bytes; the `Gossipsub`
/// driver maps them to and from `Multiformats.PeerID`.
public struct GossipPeerID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) { self.bytes = bytes }

    public static func < (lhs: GossipPeerID, rhs: GossipPeerID) -> Bool {
        lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }

    public var description: String {
        let hex = bytes.suffix(6).map { String($0, radix: 16) }.joined()
        return "peer…\(hex)"
    }
}

/// The gossipsub protocol a peer negotiated on its stream.
public enum GossipsubProtocol: String, Sendable, CaseIterable {
    case meshsub11 = "/meshsub/1.1.0"
    case meshsub10 = "/meshsub/1.0.0"

    /// What we offer, in preference order.
    public static let supported: [GossipsubProtocol] = [.meshsub11, .meshsub10]

    /// v1.1 features (PRUNE backoff and PX fields) are only sent to v1.1 peers.
    var supportsBackoff: Bool { self == .meshsub11 }
}

