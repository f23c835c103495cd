// SPDX-License-Identifier: Apache-2.0
import CoreMetrics
import Libp2pHost
import Logging
import Multiformats

extension Gossipsub {
    /// What waits in `queuedWork`.
    enum QueuedWork: Sendable {
        case actions([GossipsubRouter.Action])
        case removeSubscriber(Int, topic: String)
    }

    func perform(_ work: QueuedWork) async {
        switch work {
        case .actions(let actions): await perform(actions)
        case .removeSubscriber(let id, let topic): removeSubscriber(id, topic: topic)
        }
    }

    /// Performs router actions that need no waiting (sends, deliveries); validations and
    /// disconnects are queued, in order, for the async variant below.
    func perform(_ actions: [GossipsubRouter.Action]) {
        var deferred: [GossipsubRouter.Action] = []
        for action in actions {
            switch action {
            case .send(let peer, let rpc): send(rpc, to: peer)
            case .deliver(let received): deliver(received)
            case .validate, .disconnect: deferred.append(action)
            }
        }
        guard !deferred.isEmpty else { return }
        // Validators and disconnects are async; heartbeats and subscriptions never emit validations.
        // One queue, one consumer: deferred work runs in the order it was decided (a task each did not).
        queuedWorkContinuation.yield(.actions(deferred))
    }

    /// Performs router actions in order, awaiting validators and disconnects.
    func perform(_ actions: [GossipsubRouter.Action]) async {
        for action in actions {
            switch action {
            case .send(let peer, let rpc):
                send(rpc, to: peer)
            case .deliver(let received):
                deliver(received)
            case .validate(let pending):
                let result: ValidationResult
                if let validator = validators[pending.message.topic] {
                    let receivedFrom = peerIDs[pending.receivedFrom]
                    result = await validator(GossipMessage(pending.message, id: pending.id, receivedFrom: receivedFrom))
                } else {
                    result = .accept
                }
                metrics.validation(result, topic: pending.message.topic)
                await perform(machine.validationFinished(pending, result: result, now: now))
            case .disconnect(let peer, let reason):
                metrics.disconnects.increment()
                guard let peerID = peerIDs[peer] else { continue }
                logger.info("Disconnecting a low-score gossip peer", metadata: ["p2p.peer.id": "\(peerID)", "reason": "\(reason.rawValue)"])
                await host.disconnect(peerID)
            }
        }
    }

    private func send(_ rpc: GossipsubRPC, to peer: GossipPeerID) {
        guard let writer = writers[peer] else { return }
        for part in rpc.split(maxFrameLength: GossipsubFrameDecoder.defaultMaxFrameLength) {
            metrics.rpcsOut.increment()
            let frame = part.lengthPrefixedEncoded
            let queued = queuedBytes[peer, default: 0]
            guard queued + frame.count <= Self.outboundQueueBytes else {
                metrics.outboundQueueDrops.increment()
                continue
            }
            if case .dropped = writer.yield(frame) {
                metrics.outboundQueueDrops.increment()
            } else {
                queuedBytes[peer] = queued + frame.count
            }
        }
    }

    private func deliver(_ received: GossipsubRouter.ReceivedMessage) {
        let topic = received.message.topic
        let continuations = subscribers[topic] ?? [:]
        guard !continuations.isEmpty || joinedTopics.contains(topic) else { return }
        metrics.topic(topic)?.delivered.increment()
        let message = GossipMessage(
            received.message,
            id: received.id,
            receivedFrom: received.receivedFrom.flatMap { peerIDs[$0] }
        )
        for continuation in continuations.values {
            if case .dropped = continuation.yield(message) { metrics.subscriberDrops.increment() }
        }
    }

    func removeSubscriber(_ id: Int, topic: String) {
        guard subscribers[topic]?.removeValue(forKey: id) != nil else { return }
        if subscribers[topic]?.isEmpty ?? true {
            subscribers[topic] = nil
            if !joinedTopics.contains(topic) { perform(machine.unsubscribe(topic, now: now)) }
        }
    }
}

extension GossipsubRPC {
    /// Splits an RPC whose encoding exceeds the frame limit: control and subscriptions first,
    /// then the messages in as few RPCs as fit (a single message never exceeds the publish limit).
    func split(maxFrameLength: Int) -> [GossipsubRPC] {
        let budget = maxFrameLength - 16
        guard protobufEncoded.count > budget else { return [self] }
        var parts = [GossipsubRPC(subscriptions: subscriptions, control: control)].filter { !$0.isEmpty }
        var current = GossipsubRPC()
        var size = 0
        for message in publish {
            let messageSize = message.protobufEncoded.count + 8
            if size + messageSize > budget, !current.publish.isEmpty {
                parts.append(current)
                current = GossipsubRPC()
                size = 0
            }
            current.publish.append(message)
            size += messageSize
        }
        if !current.publish.isEmpty { parts.append(current) }
        return parts
    }
}
