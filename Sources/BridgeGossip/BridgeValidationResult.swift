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
}

/// Outcome of validating one inbound message, mapped 1:1 onto gossipsub's accept / ignore / reject
/// (reject lowers the forwarding peer's score; ignore does not).
public enum BridgeValidationResult: Sendable, Hashable {
    /// Valid: what to hand to the aggregator (may be empty when everything was already settled).
    case accept([InboundGossip])
    /// Not useful or not attributable (unknown sender, rate limit, clock skew): drop quietly.
    case ignore(BridgeValidationReason)
    /// Provably bad (forged, malformed, oversize): drop and penalise.
    case reject(BridgeValidationReason)

    public var reason: BridgeValidationReason? {
        switch self {
        case .accept: nil
        case .ignore(let reason), .reject(let reason): reason
        }
    }
}

/// A peer's answer on the catch-up stream protocol: the raw envelopes it sent.
public struct BridgeCatchUpResponse: Sendable, Hashable {
    public var peer: String
    public var messages: [[UInt8]]

    public init(peer: String, messages: [[UInt8]]) {
        self.peer = peer
        self.messages = messages
    }
}

/// What the endpoint needs from the network: a pub/sub topic and a request/response stream protocol.
/// Implemented over Libp2pGossipsub/Libp2pHost in production and in memory in tests.
public protocol BridgeGossipTransport: Sendable {
    /// This node's libp2p peer id (text form), announced in heartbeats.
    var localPeerID: String { get }
    /// Publishes one encoded envelope on the bridge topic.
    func publish(_ message: [UInt8]) async
    /// Sends one encoded request envelope to connected peers over `/koinos/bridge/1.0.0`; returns their answers.
    func request(_ message: [UInt8]) async -> [BridgeCatchUpResponse]
}
