// SPDX-License-Identifier: Apache-2.0

extension GossipsubRouter {
    /// What the driver must do after a state-machine transition.
    public enum Action: Equatable, Sendable {
        /// Write this RPC on our outbound stream to the peer.
        case send(GossipPeerID, GossipsubRPC)
        /// Run the topic's validator, then call `validationFinished(_:result:now:)`.
        case validate(PendingValidation)
        /// Hand the message to local subscribers of its topic.
        case deliver(ReceivedMessage)
        /// Close the connection to the peer.
        case disconnect(GossipPeerID, reason: DisconnectReason)
    }

    /// A message waiting for the topic validator.
    public struct PendingValidation: Equatable, Sendable {
        public let id: [UInt8]
        public let message: GossipsubMessage
        public let receivedFrom: GossipPeerID
    }

    /// A validated message for the application.
    public struct ReceivedMessage: Equatable, Sendable {
        public let id: [UInt8]
        public let message: GossipsubMessage
        /// The peer that forwarded it to us; `nil` for our own publications.
        public let receivedFrom: GossipPeerID?
    }

    /// Why the router wants a peer gone (a bounded metric dimension).
    public enum DisconnectReason: String, Equatable, Sendable {
        case lowScore = "low_score"
    }

    /// Why an inbound message was dropped before reaching validators (a bounded metric dimension).
    public enum DropReason: String, Sendable, CaseIterable {
        case duplicate, unsubscribedTopic = "unsubscribed_topic", ownMessage = "own_message"
        case invalidSignature = "invalid_signature", graylisted
        case tooManyMessages = "too_many_messages", topicLimit = "topic_limit"
    }

    /// Per-call accumulation of outgoing RPCs, merged into one RPC per peer (control piggybacked).
    struct Outbox {
        private var rpcs: [GossipPeerID: GossipsubRPC] = [:]
        private var order: [GossipPeerID] = []
        private var trailing: [Action] = []

        private mutating func edit(_ peer: GossipPeerID, _ change: (inout GossipsubRPC) -> Void) {
            if rpcs[peer] == nil {
                rpcs[peer] = GossipsubRPC()
                order.append(peer)
            }
            change(&rpcs[peer]!)
        }

        mutating func subscriptions(_ subs: [GossipsubRPC.SubOpts], to peer: GossipPeerID) {
            edit(peer) { $0.subscriptions += subs }
        }

        mutating func message(_ message: GossipsubMessage, to peer: GossipPeerID) {
            edit(peer) { $0.publish.append(message) }
        }

        private mutating func control(_ peer: GossipPeerID, _ change: (inout ControlMessage) -> Void) {
            edit(peer) { rpc in
                var control = rpc.control ?? ControlMessage()
                change(&control)
                rpc.control = control
            }
        }

        mutating func graft(_ topic: String, to peer: GossipPeerID) {
            control(peer) { $0.graft.append(.init(topic: topic)) }
        }

        mutating func prune(_ prune: ControlMessage.Prune, to peer: GossipPeerID) {
            control(peer) { $0.prune.append(prune) }
        }

        mutating func ihave(_ ihave: ControlMessage.IHave, to peer: GossipPeerID) {
            control(peer) { $0.ihave.append(ihave) }
        }

        mutating func iwant(_ ids: [[UInt8]], to peer: GossipPeerID) {
            control(peer) { $0.iwant.append(.init(messageIDs: ids)) }
        }

        mutating func append(_ action: Action) { trailing.append(action) }

        mutating func disconnect(_ peer: GossipPeerID, reason: DisconnectReason) {
            trailing.append(.disconnect(peer, reason: reason))
        }

        /// Sends first (in first-touched order), then validations, deliveries and disconnects.
        mutating func flush() -> [Action] {
            var actions: [Action] = []
            actions.reserveCapacity(order.count + trailing.count)
            for peer in order {
                if let rpc = rpcs[peer], !rpc.isEmpty { actions.append(.send(peer, rpc)) }
            }
            actions += trailing
            rpcs = [:]
            order = []
            trailing = []
            return actions
        }
    }
}
