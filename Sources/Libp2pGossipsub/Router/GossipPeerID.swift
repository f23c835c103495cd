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

/// A splittable deterministic random source (SplitMix64), so router tests are reproducible.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
