// SPDX-License-Identifier: Apache-2.0
public import BridgeCore

/// Why a bridge message was not accepted (the `reason` label of `bridge_gossip_rejected_total`).
public enum BridgeValidationReason: String, Sendable, Hashable, CaseIterable {
    case oversize
    case malformed
    case unsupportedVersion = "unsupported_version"
    case timestampOutOfWindow = "timestamp_out_of_window"
    case unknownValidator = "unknown_validator"
    case rateLimited = "rate_limited"
    case unboundPeer = "unbound_peer"
    case badEnvelopeSignature = "bad_envelope_signature"
    case peerMismatch = "peer_mismatch"
    case badItemSignature = "bad_item_signature"
    case tooManyItems = "too_many_items"
    case empty
    case unexpectedKind = "unexpected_kind"
    case staleHeartbeat = "stale_heartbeat"
    /// An envelope accepted before, seen again inside its timestamp window.
    case replayed
    /// The validator's item budget (signatures to recover per second) is spent.
    case itemRateLimited = "item_rate_limited"
    /// A catch-up request signed for another responder, or without a nonce / responder (old format).
    case wrongResponder = "wrong_responder"
    case unboundRequest = "unbound_request"
    /// Too many catch-up nonces live: refused rather than forgetting one (fail closed).
    case nonceCacheFull = "nonce_cache_full"
}

/// Outcome of validating one inbound message, mapped 1:1 onto gossipsub's accept / ignore / reject
/// (reject lowers the forwarding peer's score; ignore does not).
public enum BridgeValidationResult: Sendable, Hashable {
    /// Valid: what to hand to the aggregator (may be empty when everything was already settled).
    case accept([InboundGossip])
    /// Valid and handed to the aggregator, but not relayed: nothing in it concerns a digest we
    /// signed (M4: signatures over digests we have not observed are not forwarded).
    case acceptLocally([InboundGossip])
    /// Not useful or not attributable (unknown sender, rate limit, clock skew): drop quietly.
    case ignore(BridgeValidationReason)
    /// Provably bad (forged, malformed, oversize): drop and penalise.
    case reject(BridgeValidationReason)

    public var reason: BridgeValidationReason? {
        switch self {
        case .accept, .acceptLocally: nil
        case .ignore(let reason), .reject(let reason): reason
        }
    }

    /// What goes to the aggregator (nil when the message was ignored or rejected).
    public var inbound: [InboundGossip]? {
        switch self {
        case .accept(let items), .acceptLocally(let items): items
        case .ignore, .reject: nil
        }
    }
}

/// What the endpoint needs from the network: a pub/sub topic and a request/response stream protocol.
/// Implemented over Libp2pGossipsub/Libp2pHost in production and in memory in tests.
public protocol BridgeGossipTransport: Sendable {
    /// This node's libp2p peer id (text form), announced in heartbeats.
    var localPeerID: String { get }
    /// Publishes one encoded envelope on the bridge topic.
    func publish(_ message: [UInt8]) async
    /// Peers connected now (text peer ids) that a catch-up request can be sent to.
    func connectedPeers() async -> [String]
    /// Sends one encoded request envelope to `peer` over `/koinos/bridge/1.0.0`; returns the
    /// envelopes it answered, stopping (and resetting the stream) once more than `maxBytes` would
    /// be kept; nil when it did not answer.
    func request(_ message: [UInt8], to peer: String, maxBytes: Int) async -> [[UInt8]]?
}
