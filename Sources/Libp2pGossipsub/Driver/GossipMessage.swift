// SPDX-License-Identifier: Apache-2.0
public import Multiformats

/// A validated pubsub message as the application sees it.
public struct GossipMessage: Sendable, Equatable {
    /// The topic it was published on.
    public let topic: String
    /// The opaque payload.
    public let data: [UInt8]
    /// The author (the `from` field, verified by StrictSign); `nil` if absent or unparsable.
    public let author: PeerID?
    /// The peer that forwarded it to us; `nil` for our own publications.
    public let receivedFrom: PeerID?
    /// The message id under the topic's id function.
    public let id: [UInt8]
    /// The author's sequence number bytes.
    public let seqno: [UInt8]?

    public init(topic: String, data: [UInt8], author: PeerID?, receivedFrom: PeerID?, id: [UInt8], seqno: [UInt8]?) {
        self.topic = topic
        self.data = data
        self.author = author
        self.receivedFrom = receivedFrom
        self.id = id
        self.seqno = seqno
    }

    init(_ message: GossipsubMessage, id: [UInt8], receivedFrom: PeerID?) {
        self.init(
            topic: message.topic,
            data: message.data,
            author: message.from.flatMap { try? PeerID(multihashBytes: $0) },
            receivedFrom: receivedFrom,
            id: id,
            seqno: message.seqno
        )
    }
}

/// A topic validator (go-libp2p-pubsub extended validator): accept, ignore, or reject (penalised).
///
/// Runs for messages from peers before they are delivered or forwarded, and for our own data
/// before it is published.
public typealias TopicValidator = @Sendable (GossipMessage) async -> ValidationResult
