// SPDX-License-Identifier: Apache-2.0
public import Libp2pHost

/// A protocol plugin: the plugin architecture of koinos-p2p PR 212, generalised.
///
/// A plugin registers stream protocols (handlers set on the host; a peer proposing a protocol
/// nobody registered is answered `na` and the connection stays up) and/or gossipsub topics with
/// their validator and message-id function. koinos-p2p names a plugin `X`'s topic `plugin.X`
/// (`ProtocolPlugin.koinosTopic(for:)`); its validator always accepted, ids were `from ‖ seqno`.
public struct ProtocolPlugin: Sendable {
    /// A stream protocol served by the plugin.
    public struct StreamProtocol: Sendable {
        public let protocolID: String
        public let handler: Libp2pHost.StreamHandler

        public init(_ protocolID: String, handler: @escaping Libp2pHost.StreamHandler) {
            self.protocolID = protocolID
            self.handler = handler
        }
    }

    /// A gossipsub topic owned by the plugin.
    public struct Topic: Sendable {
        public let name: String
        public let validator: TopicValidator
        public let messageID: MessageIDFunction

        /// - Parameters:
        ///   - name: the topic string (e.g. `plugin.bridge`).
        ///   - messageID: the id function every peer on the topic uses (default `from ‖ seqno`).
        ///   - validator: accept / ignore / reject for each message (default: accept all, as PR 212).
        public init(
            _ name: String,
            messageID: MessageIDFunction = .fromAndSeqno,
            validator: @escaping TopicValidator = { _ in .accept }
        ) {
            self.name = name
            self.messageID = messageID
            self.validator = validator
        }
    }

    public let name: String
    public let streamProtocols: [StreamProtocol]
    public let topics: [Topic]

    /// - Parameters:
    ///   - name: a unique plugin name (e.g. `bridge`).
    ///   - streamProtocols: stream protocol ids and their handlers.
    ///   - topics: gossipsub topics with validators and id functions.
    public init(name: String, streamProtocols: [StreamProtocol] = [], topics: [Topic] = []) {
        self.name = name
        self.streamProtocols = streamProtocols
        self.topics = topics
    }

    /// koinos-p2p PR 212's topic name for plugin `name`: `plugin.<name>`.
    public static func koinosTopic(for name: String) -> String { "plugin.\(name)" }
}
