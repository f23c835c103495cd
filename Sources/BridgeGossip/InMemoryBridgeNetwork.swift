// SPDX-License-Identifier: Apache-2.0
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
        var publishedBytes = 0
        var deliveredBytes = 0
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

    func request(_ bytes: [UInt8], from peerID: String) async -> [BridgeCatchUpResponse] {
        let peers = state.withLock { s -> [(String, BridgeGossipEndpoint)] in
            guard !s.isolated.contains(peerID) else { return [] }
            return s.endpoints.filter { $0.key != peerID && !s.isolated.contains($0.key) }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        }
        var responses: [BridgeCatchUpResponse] = []
        for (peer, endpoint) in peers {
            responses.append(BridgeCatchUpResponse(peer: peer, messages: await endpoint.answerCatchUp(bytes, from: peerID)))
        }
        return responses
    }
}

/// One node's side of an `InMemoryBridgeNetwork`.
public struct InMemoryBridgeTransport: BridgeGossipTransport {
    let network: InMemoryBridgeNetwork
    public let localPeerID: String

    public func publish(_ message: [UInt8]) async { network.broadcast(message, from: localPeerID) }

    public func request(_ message: [UInt8]) async -> [BridgeCatchUpResponse] { await network.request(message, from: localPeerID) }
}
