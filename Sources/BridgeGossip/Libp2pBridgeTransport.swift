// SPDX-License-Identifier: Apache-2.0
public import Libp2pGossipsub
import Libp2pHost
public import Logging
import Multiformats
import NIOCore

/// The bridge protocol over the real libp2p stack: the gossipsub topic `plugin.bridge` (StrictSign,
/// host-key signed, so the `from` author is authentic) and the `/koinos/bridge/1.0.0` stream
/// protocol for catch-up, registered as a `ProtocolPlugin`.
///
/// Use: `let transport = Libp2pBridgeTransport(gossipsub:)`, build the `BridgeGossipEndpoint` with
/// it, then `try await transport.register(endpoint)` before the aggregator starts.
public final class Libp2pBridgeTransport: BridgeGossipTransport {
    public let gossipsub: Gossipsub
    public let topic: String
    public let localPeerID: String
    let maxMessageBytes: Int
    let requestTimeout: Duration
    let logger: Logger

    public init(
        gossipsub: Gossipsub, configuration: BridgeGossipConfiguration = .init(), requestTimeout: Duration = .seconds(10),
        logger: Logger = Logger(label: "bridge.gossip")
    ) {
        self.gossipsub = gossipsub
        self.topic = configuration.topic
        self.localPeerID = gossipsub.host.peerID.description
        self.maxMessageBytes = configuration.maxMessageBytes
        self.requestTimeout = requestTimeout
        self.logger = logger
    }

    /// Registers the plugin (topic validator → `endpoint.receive`, stream handler →
    /// `endpoint.answerCatchUp`) and subscribes to the topic. Validated content reaches the
    /// aggregator through `endpoint.inboundMessages()`.
    public func register(_ endpoint: BridgeGossipEndpoint) async throws {
        let validator: TopicValidator = { message in
            // Our own publications were built and signed locally.
            guard message.receivedFrom != nil else { return .accept }
            guard let author = message.author else { return .reject }
            switch endpoint.receive(message.data, from: author.description) {
            case .accept: return .accept
            // Handed to the aggregator already; not relayed (signatures over digests we did not observe).
            case .acceptLocally, .ignore: return .ignore
            case .reject: return .reject
            }
        }
        let maxBytes = maxMessageBytes
        let stream = ProtocolPlugin.StreamProtocol(BridgeGossipConfiguration.streamProtocol) { stream in
            guard let request = try? await stream.readLengthPrefixed(maxLength: 1024) else {
                await stream.reset()
                return
            }
            for response in await endpoint.answerCatchUp(Array(buffer: request), from: stream.remotePeer.description)
            where response.count <= maxBytes {
                do { try await stream.writeLengthPrefixed(ByteBuffer(bytes: response)) } catch {
                    await stream.reset()
                    return
                }
            }
            await stream.closeWrite()
        }
        try await gossipsub.register(ProtocolPlugin(name: "bridge", streamProtocols: [stream], topics: [.init(topic, validator: validator)]))
        // In the mesh without a subscriber stream: the content was already handed over by the validator.
        await gossipsub.join(topic)
    }

    public func publish(_ message: [UInt8]) async {
        do { try await gossipsub.publish(message, to: topic) } catch {
            logger.warning("Bridge gossip publish failed", metadata: ["error": "\(error)"])
        }
    }

    public func connectedPeers() async -> [String] {
        await gossipsub.host.connectedPeers().map(\.description)
    }

    /// Asks one peer, bounded by `requestTimeout` and by `maxBytes` kept (then the stream is reset).
    public func request(_ message: [UInt8], to peer: String, maxBytes: Int) async -> [[UInt8]]? {
        guard let peerID = PeerID(peer) else { return nil }
        let host = gossipsub.host
        let maxMessage = maxMessageBytes
        let timeout = requestTimeout
        return await withTaskGroup(of: [[UInt8]]?.self) { group in
            group.addTask {
                guard let stream = try? await host.newStream(to: peerID, protocols: [BridgeGossipConfiguration.streamProtocol]) else { return nil }
                do {
                    try await stream.writeLengthPrefixed(ByteBuffer(bytes: message))
                    await stream.closeWrite()
                    var messages: [[UInt8]] = []
                    var kept = 0
                    while let buffer = try await stream.readLengthPrefixed(maxLength: maxMessage) {
                        kept += buffer.readableBytes
                        guard kept <= maxBytes else {
                            // A responder sending more than we keep: stop reading, keep what fitted.
                            await stream.reset()
                            return messages
                        }
                        messages.append(Array(buffer: buffer))
                    }
                    return messages
                } catch {
                    await stream.reset()
                    return nil
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }
}
