// SPDX-License-Identifier: Apache-2.0
public import BridgeGossip
import Synchronization

/// An in-process stand-in for the gossipsub topic and the `/koinos/bridge/1.0.0` stream protocol,
/// for tests and the in-process benchmark: every published message is queued for every other
/// attached peer; the caller pumps the queues into each node's `BridgeGossipEndpoint`.
public final class InMemoryBridgeNetwork: Sendable {
    /// One queued delivery.
    public struct Delivery: Sendable {
        public var from: String
        public var bytes: [UInt8]
    }

    private struct State: Sendable {
        var inboxes: [String: [Delivery]] = [:]
        var endpoints: [String: BridgeGossipEndpoint] = [:]
        var isolated: Set<String> = []
        var requests: [Request] = []
        var publishedBytes = 0
        var deliveredBytes = 0
    }

    /// One catch-up request as it went over the wire (what an eavesdropper or a responder sees).
    public struct Request: Sendable {
        public var from: String
        public var to: String
        public var bytes: [UInt8]
    }

    private let state = Mutex(State())

    public init() {}

    /// A transport for `peerID`; `attach` its endpoint so it can answer catch-up requests.
    public func transport(for peerID: String) -> InMemoryBridgeTransport {
        state.withLock { $0.inboxes[peerID] = $0.inboxes[peerID] ?? [] }
        return InMemoryBridgeTransport(network: self, localPeerID: peerID)
    }

    public func attach(_ endpoint: BridgeGossipEndpoint, as peerID: String) {
        state.withLock { $0.endpoints[peerID] = endpoint }
    }

    /// Cuts a peer off (nothing in, nothing out) or reconnects it.
    public func setIsolated(_ peerID: String, _ isolated: Bool) {
        state.withLock { if isolated { $0.isolated.insert(peerID) } else { $0.isolated.remove(peerID) } }
    }

    /// Queues `bytes` from `peerID` for every other peer (also used to inject crafted messages).
    public func broadcast(_ bytes: [UInt8], from peerID: String) {
        state.withLock { s in
            s.publishedBytes += bytes.count
            guard !s.isolated.contains(peerID) else { return }
            for peer in s.inboxes.keys where peer != peerID && !s.isolated.contains(peer) {
                s.inboxes[peer, default: []].append(Delivery(from: peerID, bytes: bytes))
                s.deliveredBytes += bytes.count
            }
        }
    }

    /// Removes and returns everything queued for `peerID`.
    public func takeInbox(_ peerID: String) -> [Delivery] {
        state.withLock { s in
            let inbox = s.inboxes[peerID] ?? []
            s.inboxes[peerID] = []
            return inbox
        }
    }

    public var queuedCount: Int { state.withLock { $0.inboxes.values.reduce(0) { $0 + $1.count } } }

    /// Bytes published (once per message) and delivered (once per receiving peer).
    public var byteTotals: (published: Int, delivered: Int) { state.withLock { ($0.publishedBytes, $0.deliveredBytes) } }

    /// Peers `peerID` can reach (attached, not isolated).
    func connectedPeers(of peerID: String) -> [String] {
        state.withLock { s in
            guard !s.isolated.contains(peerID) else { return [] }
            return s.endpoints.keys.filter { $0 != peerID && !s.isolated.contains($0) }.sorted()
        }
    }

    /// Delivers a request from `peerID` (any identity: tests replay captured requests with it) to
    /// `peer`'s endpoint; its answer, cut after `maxBytes` as the libp2p transport does.
    public func request(_ bytes: [UInt8], from peerID: String, to peer: String, maxBytes: Int = .max) async -> [[UInt8]]? {
        let endpoint = state.withLock { s -> BridgeGossipEndpoint? in
            guard !s.isolated.contains(peerID), !s.isolated.contains(peer) else { return nil }
            s.requests.append(Request(from: peerID, to: peer, bytes: bytes))
            return s.endpoints[peer]
        }
        guard let endpoint else { return nil }
        var kept: [[UInt8]] = []
        var total = 0
        for message in await endpoint.answerCatchUp(bytes, from: peerID) {
            total += message.count
            guard total <= maxBytes else { break }
            kept.append(message)
        }
        return kept
    }

    /// Removes and returns the catch-up requests sent so far.
    public func takeRequests() -> [Request] {
        state.withLock { s in
            let all = s.requests
            s.requests = []
            return all
        }
    }
}

/// One node's side of an `InMemoryBridgeNetwork`.
public struct InMemoryBridgeTransport: BridgeGossipTransport {
    let network: InMemoryBridgeNetwork
    public let localPeerID: String

    public func publish(_ message: [UInt8]) async { network.broadcast(message, from: localPeerID) }

    public func connectedPeers() async -> [String] { network.connectedPeers(of: localPeerID) }

    public func request(_ message: [UInt8], to peer: String, maxBytes: Int) async -> [[UInt8]]? {
        await network.request(message, from: localPeerID, to: peer, maxBytes: maxBytes)
    }
}
