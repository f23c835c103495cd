// SPDX-License-Identifier: Apache-2.0
import CoreMetrics
import Foundation
public import Libp2pHost
public import Logging
public import Multiformats
public import ServiceLifecycle

/// Gossipsub v1.1 over a `Libp2pHost`, plus the protocol-plugin registry.
///
/// The driver is thin: it registers `/meshsub/1.1.0` and `/meshsub/1.0.0` handlers on the host,
/// opens one outbound stream per peer, feeds every RPC, peer event, validation result and
/// heartbeat into `GossipsubRouter.StateMachine`, and performs the actions it returns. Run it as
/// a `Service` after the host (logger label: `bridge.p2p.gossip`).
public actor Gossipsub: Service {
    /// Messages buffered per subscriber before the oldest undelivered ones are dropped (and counted).
    public static let subscriptionBufferSize = 1_024
    /// RPCs queued per peer before new ones are dropped (and counted): a slow peer must not stall us.
    public static let outboundQueueSize = 1_024
    /// Encoded bytes queued per peer before new RPCs are dropped (and counted), whatever their count.
    public static let outboundQueueBytes = 4 * 1024 * 1024

    public nonisolated let host: Libp2pHost
    public nonisolated let parameters: GossipsubParameters
    let logger: Logger
    var machine: GossipsubRouter.StateMachine
    var metrics = GossipsubMetrics()
    let origin = ContinuousClock.now

    var peerIDs: [GossipPeerID: PeerID] = [:]
    var connectionIsOutbound: [GossipPeerID: Bool] = [:]
    var writers: [GossipPeerID: AsyncStream<[UInt8]>.Continuation] = [:]
    var pendingWriters: [GossipPeerID: AsyncStream<[UInt8]>] = [:]
    /// Encoded bytes waiting in each peer's outbound queue.
    var queuedBytes: [GossipPeerID: Int] = [:]
    /// The one inbound meshsub stream kept per peer; a newer one resets it (as go-libp2p-pubsub does).
    var inboundStreams: [GossipPeerID: Libp2pStream] = [:]
    /// Checks message signatures outside the actor (see `GossipsubRouter.verifySignatures`).
    nonisolated let signatureVerifier = Libp2pKeySignatureVerifier()
    /// Peers whose outbound queue waits for a writer task (drained by `run()`).
    nonisolated let outboundRequests: AsyncStream<PeerID>
    let outboundRequestsContinuation: AsyncStream<PeerID>.Continuation
    var subscribers: [String: [Int: AsyncStream<GossipMessage>.Continuation]] = [:]
    var nextSubscriberID = 0
    /// Topics whose mesh we are in without a subscriber stream (`join`).
    var joinedTopics: Set<String> = []
    /// Work that needs waiting (validations, disconnects) or comes from outside the actor (a
    /// subscriber stream ending), performed one item at a time, in order, by a task of `run()`.
    nonisolated let queuedWork: AsyncStream<QueuedWork>
    let queuedWorkContinuation: AsyncStream<QueuedWork>.Continuation
    var validators: [String: TopicValidator] = [:]
    var plugins: [String: ProtocolPlugin] = [:]

    /// - Parameters:
    ///   - host: the libp2p host (started separately, e.g. earlier in the same service group).
    ///   - parameters: router parameters (`.koinos` by default: StrictSign, flood publish, seen TTL 30 s).
    ///   - logger: a logger, conventionally labelled `bridge.p2p.gossip`.
    public init(host: Libp2pHost, parameters: GossipsubParameters = .koinos, logger: Logger) {
        self.host = host
        self.parameters = parameters
        self.logger = logger
        (outboundRequests, outboundRequestsContinuation) = AsyncStream.makeStream(of: PeerID.self)
        (queuedWork, queuedWorkContinuation) = AsyncStream.makeStream(of: QueuedWork.self)
        let seed = UInt64.random(in: .min ... .max)
        // go starts seqnos at unix nanoseconds so restarts never reuse one; we do the same.
        let wallClock = UInt64(max(0, Date().timeIntervalSince1970) * 1_000_000_000)
        self.machine = GossipsubRouter.StateMachine(
            localPeer: GossipPeerID(bytes: host.peerID.bytes),
            parameters: parameters,
            signer: Libp2pKeyMessageSigner(key: host.privateKey),
            verifier: signatureVerifier,
            initialSeqno: wallClock,
            seed: seed
        )
        for gossipProtocol in GossipsubProtocol.supported {
            host.setStreamHandler(gossipProtocol.rawValue) { [weak self] stream in
                await self?.serveInbound(stream, protocol: gossipProtocol)
            }
        }
    }

    var now: Duration { ContinuousClock.now - origin }

    // MARK: Service

    /// Follows peer events and runs the heartbeat until graceful shutdown or cancellation.
    public func run() async throws {
        let events = host.peerEvents()
        for peer in await host.connectedPeers() { peerConnected(peer, outbound: nil) }
        await withDiscardingTaskGroup { group in
            group.addTask { await self.heartbeatLoop() }
            group.addTask {
                for await work in self.queuedWork { await self.perform(work) }
            }
            group.addTask {
                // One writer task per peer, started whenever a peer gets an outbound queue.
                await withDiscardingTaskGroup { writers in
                    for await peer in self.outboundRequests.cancelOnGracefulShutdown() {
                        guard let queue = await self.takePendingQueue(peer) else { continue }
                        writers.addTask { await self.serveOutbound(queue, to: peer) }
                    }
                    writers.cancelAll()
                }
            }
            for await event in events.cancelOnGracefulShutdown() {
                switch event {
                case .connected(let peer, let outbound): self.peerConnected(peer, outbound: outbound)
                case .disconnected(let peer): self.peerDisconnected(peer)
                case .identified: break
                }
            }
            group.cancelAll()
        }
        stop()
    }

    private func heartbeatLoop() async {
        try? await Task.sleep(for: parameters.heartbeatInitialDelay)
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            await refreshApplicationScores()
            await perform(machine.heartbeat(now: now))
            metrics.peers.record(machine.connectedPeers.count)
            try? await Task.sleep(for: parameters.heartbeatInterval)
        }
    }

    private func stop() {
        outboundRequestsContinuation.finish()
        queuedWorkContinuation.finish()
        for writer in writers.values { writer.finish() }
        writers.removeAll()
        for topic in subscribers.values { for continuation in topic.values { continuation.finish() } }
        subscribers.removeAll()
        for gossipProtocol in GossipsubProtocol.supported { host.removeStreamHandler(gossipProtocol.rawValue) }
    }

    // MARK: Public API

    /// Subscribes to a topic; messages that pass the topic's validator arrive on the stream.
    /// Ending the stream (or cancelling its consumer) unsubscribes once no subscriber is left.
    public func subscribe(_ topic: String) -> AsyncStream<GossipMessage> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: GossipMessage.self,
            bufferingPolicy: .bufferingNewest(Self.subscriptionBufferSize)
        )
        nextSubscriberID += 1
        let id = nextSubscriberID
        metrics.prepare(topic: topic)
        let first = (subscribers[topic]?.isEmpty ?? true) && !joinedTopics.contains(topic)
        subscribers[topic, default: [:]][id] = continuation
        continuation.onTermination = { [queue = queuedWorkContinuation] _ in
            queue.yield(.removeSubscriber(id, topic: topic))
        }
        if first { perform(machine.subscribe(topic, now: now)) }
        return stream
    }

    /// Joins `topic`'s mesh without taking its messages: for a topic whose validator already hands
    /// every message over. Stays joined until the service stops.
    public func join(_ topic: String) {
        metrics.prepare(topic: topic)
        guard joinedTopics.insert(topic).inserted, subscribers[topic]?.isEmpty ?? true else { return }
        perform(machine.subscribe(topic, now: now))
    }

    /// Publishes `data` on `topic` (signed with the host key). The topic's validator runs first.
    /// - Returns: the message id.
    @discardableResult
    public func publish(_ data: [UInt8], to topic: String) async throws -> [UInt8] {
        guard data.count < GossipsubFrameDecoder.defaultMaxFrameLength - 4096 else {
            throw GossipsubError.cannotPublish("message of \(data.count) bytes exceeds the RPC limit")
        }
        if let validator = validators[topic] {
            let local = GossipMessage(topic: topic, data: data, author: host.peerID, receivedFrom: nil, id: [], seqno: nil)
            let verdict = await validator(local)
            guard verdict == .accept else { throw GossipsubError.publishRejected("\(verdict)") }
        }
        let (id, _, actions) = try machine.publish(topic: topic, data: data, now: now)
        metrics.prepare(topic: topic)
        metrics.topic(topic)?.published.increment()
        await perform(actions)
        return id
    }

    /// Installs a topic's validator and message-id function (without subscribing).
    public func registerTopic(_ topic: ProtocolPlugin.Topic) {
        validators[topic.name] = topic.validator
        machine.setMessageIDFunction(topic.messageID, forTopic: topic.name)
        metrics.prepare(topic: topic.name)
    }

    /// Registers a plugin: its stream handlers on the host and its topics' validators and id functions.
    public func register(_ plugin: ProtocolPlugin) throws {
        guard plugins[plugin.name] == nil else { throw GossipsubError.duplicateRegistration("plugin \(plugin.name)") }
        let ownedProtocols = Set(plugins.values.flatMap { $0.streamProtocols.map(\.protocolID) })
        let ownedTopics = Set(plugins.values.flatMap { $0.topics.map(\.name) })
        for stream in plugin.streamProtocols where ownedProtocols.contains(stream.protocolID) {
            throw GossipsubError.duplicateRegistration("protocol \(stream.protocolID)")
        }
        for topic in plugin.topics where ownedTopics.contains(topic.name) {
            throw GossipsubError.duplicateRegistration("topic \(topic.name)")
        }
        plugins[plugin.name] = plugin
        for stream in plugin.streamProtocols { host.setStreamHandler(stream.protocolID, stream.handler) }
        for topic in plugin.topics { registerTopic(topic) }
        logger.info("Protocol plugin registered", metadata: ["p2p.plugin": "\(plugin.name)"])
    }

    /// Removes a plugin's stream handlers and validators (peers then get `na` for its protocols).
    public func unregister(plugin name: String) {
        guard let plugin = plugins.removeValue(forKey: name) else { return }
        for stream in plugin.streamProtocols { host.removeStreamHandler(stream.protocolID) }
        for topic in plugin.topics {
            validators[topic.name] = nil
            machine.setMessageIDFunction(.fromAndSeqno, forTopic: topic.name)
        }
    }

    /// The registered plugin names.
    public var registeredPlugins: [String] { plugins.keys.sorted() }

    /// Peers in our mesh for `topic`.
    public func meshPeers(_ topic: String) -> [PeerID] {
        machine.meshPeers(topic).compactMap { peerIDs[$0] }.sorted()
    }

    /// Peers known to be subscribed to `topic`.
    public func peers(subscribedTo topic: String) -> [PeerID] {
        machine.peers(subscribedTo: topic).compactMap { peerIDs[$0] }.sorted()
    }

    /// A peer's current score.
    public func score(of peer: PeerID) -> Double { machine.score(GossipPeerID(bytes: peer.bytes)) }
}
