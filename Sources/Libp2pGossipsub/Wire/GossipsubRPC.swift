// SPDX-License-Identifier: Apache-2.0

/// One pubsub RPC: subscription changes, published messages and gossipsub control messages.
///
/// Schema (libp2p pubsub spec, go-libp2p-pubsub v0.9.3 `rpc.proto`):
/// `RPC { repeated SubOpts subscriptions = 1; repeated Message publish = 2; ControlMessage control = 3; }`.
/// Message ids and `from` are **bytes** (default ids are raw `from‖seqno`, not UTF-8).
public struct GossipsubRPC: Equatable, Sendable {
    public var subscriptions: [SubOpts]
    public var publish: [GossipsubMessage]
    public var control: ControlMessage?

    public init(subscriptions: [SubOpts] = [], publish: [GossipsubMessage] = [], control: ControlMessage? = nil) {
        self.subscriptions = subscriptions
        self.publish = publish
        self.control = control
    }

    /// True when the RPC carries nothing worth sending.
    public var isEmpty: Bool {
        subscriptions.isEmpty && publish.isEmpty && (control?.isEmpty ?? true)
    }

    /// `SubOpts { bool subscribe = 1; string topicid = 2; }`
    public struct SubOpts: Equatable, Sendable {
        public var subscribe: Bool
        public var topic: String

        public init(subscribe: Bool, topic: String) {
            self.subscribe = subscribe
            self.topic = topic
        }
    }
}

/// `Message { bytes from = 1; bytes data = 2; bytes seqno = 3; string topic = 4; bytes signature = 5; bytes key = 6; }`
///
/// `from` is the author's peer-id bytes (not the forwarder); `seqno` is an 8-byte big-endian counter
/// unique per author.
public struct GossipsubMessage: Equatable, Hashable, Sendable {
    public var from: [UInt8]?
    public var data: [UInt8]
    public var seqno: [UInt8]?
    public var topic: String
    public var signature: [UInt8]?
    public var key: [UInt8]?

    public init(
        from: [UInt8]? = nil,
        data: [UInt8],
        seqno: [UInt8]? = nil,
        topic: String,
        signature: [UInt8]? = nil,
        key: [UInt8]? = nil
    ) {
        self.from = from
        self.data = data
        self.seqno = seqno
        self.topic = topic
        self.signature = signature
        self.key = key
    }
}

/// `ControlMessage { ihave = 1; iwant = 2; graft = 3; prune = 4; }` (IDONTWANT, field 5 of v1.2, is skipped).
public struct ControlMessage: Equatable, Sendable {
    public var ihave: [IHave]
    public var iwant: [IWant]
    public var graft: [Graft]
    public var prune: [Prune]

    public init(ihave: [IHave] = [], iwant: [IWant] = [], graft: [Graft] = [], prune: [Prune] = []) {
        self.ihave = ihave
        self.iwant = iwant
        self.graft = graft
        self.prune = prune
    }

    public var isEmpty: Bool { ihave.isEmpty && iwant.isEmpty && graft.isEmpty && prune.isEmpty }

    /// `ControlIHave { string topicID = 1; repeated bytes messageIDs = 2; }`
    public struct IHave: Equatable, Sendable {
        public var topic: String
        public var messageIDs: [[UInt8]]
        public init(topic: String, messageIDs: [[UInt8]]) {
            self.topic = topic
            self.messageIDs = messageIDs
        }
    }

    /// `ControlIWant { repeated bytes messageIDs = 1; }`
    public struct IWant: Equatable, Sendable {
        public var messageIDs: [[UInt8]]
        public init(messageIDs: [[UInt8]]) { self.messageIDs = messageIDs }
    }

    /// `ControlGraft { string topicID = 1; }`
    public struct Graft: Equatable, Sendable {
        public var topic: String
        public init(topic: String) { self.topic = topic }
    }

    /// `ControlPrune { string topicID = 1; repeated PeerInfo peers = 2; uint64 backoff = 3; }` (backoff in seconds).
    public struct Prune: Equatable, Sendable {
        public var topic: String
        public var peers: [PeerInfo]
        public var backoffSeconds: UInt64?
        public init(topic: String, peers: [PeerInfo] = [], backoffSeconds: UInt64? = nil) {
            self.topic = topic
            self.peers = peers
            self.backoffSeconds = backoffSeconds
        }
    }

    /// `PeerInfo { bytes peerID = 1; bytes signedPeerRecord = 2; }` (peer exchange).
    public struct PeerInfo: Equatable, Sendable {
        public var peerID: [UInt8]?
        public var signedPeerRecord: [UInt8]?
        public init(peerID: [UInt8]?, signedPeerRecord: [UInt8]? = nil) {
            self.peerID = peerID
            self.signedPeerRecord = signedPeerRecord
        }
    }
}
