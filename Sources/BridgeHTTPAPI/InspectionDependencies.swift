// SPDX-License-Identifier: Apache-2.0
import BridgeStore

/// A validator from the configured fallback list (text forms as configured).
public struct ConfiguredValidator: Sendable, Hashable {
    public var koinosAddress: String
    public var ethereumAddress: String
    public var peerID: String

    public init(koinosAddress: String, ethereumAddress: String, peerID: String) {
        self.koinosAddress = koinosAddress
        self.ethereumAddress = ethereumAddress
        self.peerID = peerID
    }
}

/// One libp2p peer as the host sees it.
public struct PeerSnapshot: Sendable, Hashable {
    public var peerID: String
    public var addresses: [String]
    public var connected: Bool
    /// The validator (Koinos address, base58) this peer is bound to by a heartbeat, if any.
    public var validator: String?
    /// `relay` (a bridge relay or an unknown peer) or `koinos` (a configured Koinos node).
    public var role = "relay"
    /// For Koinos nodes: `accepted (head N)`, `refused: reason`, or nil before the first handshake.
    public var koinosHandshake: String?

    public init(peerID: String, addresses: [String], connected: Bool, validator: String?) {
        self.peerID = peerID
        self.addresses = addresses
        self.connected = connected
        self.validator = validator
    }
}

/// Where `/v1/peers` and `/v1/status` read the peer table from (the libp2p host, once wired).
public protocol PeerDirectory: Sendable {
    func peers() async -> [PeerSnapshot]
}

/// A peer directory that only knows the configured bootstrap peers, none of them connected:
/// used until the libp2p host is wired into the node.
public struct StaticPeerDirectory: PeerDirectory {
    public var snapshots: [PeerSnapshot]
    public init(_ snapshots: [PeerSnapshot]) { self.snapshots = snapshots }
    public func peers() async -> [PeerSnapshot] { snapshots }
}

/// One named readiness condition for `/readyz` (e.g. "store", "ethereum_watcher").
public struct ReadinessCheck: Sendable {
    public var name: String
    public var isReady: @Sendable () async -> Bool

    public init(name: String, isReady: @escaping @Sendable () async -> Bool) {
        self.name = name
        self.isReady = isReady
    }
}

/// Static facts about this node shown by `/v1/status` and the home page.
public struct NodeDescription: Sendable, Hashable {
    public var version: String
    public var profile: String
    public var ethereumChainID: UInt64
    public var ethereumContract: String
    public var koinosChainID: String
    public var koinosBridgeContract: String
    /// This node's Koinos address when its key is loaded.
    public var validatorAddress: String?
    /// This node's Ethereum address (EIP-55) when its key is loaded.
    public var validatorEthereumAddress: String?
    /// This node's libp2p peer id when its identity is loaded.
    public var peerID: String?

    public init(
        version: String, profile: String, ethereumChainID: UInt64, ethereumContract: String, koinosChainID: String,
        koinosBridgeContract: String, validatorAddress: String?, validatorEthereumAddress: String? = nil, peerID: String? = nil
    ) {
        self.version = version
        self.profile = profile
        self.ethereumChainID = ethereumChainID
        self.ethereumContract = ethereumContract
        self.koinosChainID = koinosChainID
        self.koinosBridgeContract = koinosBridgeContract
        self.validatorAddress = validatorAddress
        self.validatorEthereumAddress = validatorEthereumAddress
        self.peerID = peerID
    }
}
