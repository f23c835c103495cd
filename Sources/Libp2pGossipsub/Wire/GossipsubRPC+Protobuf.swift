// SPDX-License-Identifier: Apache-2.0
import Primitives

// Decoding reads through the one protobuf reader, `Primitives.ProtobufReader`, which skips unknown
// fields of any wire type (py-libp2p adds RPC field 4, `senderRecord`, to every RPC; libp2p spec:
// "decoders must skip unknown fields"). Its errors become `GossipsubError.malformedProtobuf`.

extension GossipsubRPC {
    /// Decodes one RPC from its protobuf bytes, skipping unknown fields.
    public init(protobuf bytes: [UInt8]) throws(GossipsubError) {
        do {
            try self.init(reader: ProtobufReader(bytes))
        } catch {
            throw GossipsubError(decoding: error)
        }
    }

    init(reader: ProtobufReader) throws(ProtobufDecodingError) {
        var reader = reader
        self.init()
        while !reader.isAtEnd {
            let (field, wireType) = try reader.readKey()
            switch field {
            case 1:
                try Self.expectLengthDelimited(wireType)
                subscriptions.append(try SubOpts(reader: reader.readEmbedded()))
            case 2:
                try Self.expectLengthDelimited(wireType)
                publish.append(try GossipsubMessage(reader: reader.readEmbedded()))
            case 3:
                try Self.expectLengthDelimited(wireType)
                // proto2 semantics: a repeated embedded message merges into the earlier one.
                let decoded = try ControlMessage(reader: reader.readEmbedded())
                if var existing = control {
                    existing.ihave += decoded.ihave
                    existing.iwant += decoded.iwant
                    existing.graft += decoded.graft
                    existing.prune += decoded.prune
                    control = existing
                } else {
                    control = decoded
                }
            default:
                try reader.skip(wireType: wireType)
            }
        }
        // An empty control message carries nothing (e.g. only IDONTWANT, which we skip).
        if control?.isEmpty ?? false { control = nil }
    }

    /// Subscriptions, messages and control are embedded messages: any other wire type is malformed.
    static func expectLengthDelimited(_ wireType: UInt8) throws(ProtobufDecodingError) {
        guard wireType == 2 else { throw .unexpectedWireType }
    }

    /// The protobuf encoding, fields in field-number order.
    public var protobufEncoded: [UInt8] {
        var writer = GossipProtobufWriter()
        for sub in subscriptions {
            var inner = GossipProtobufWriter()
            inner.writeVarintField(1, sub.subscribe ? 1 : 0)
            inner.writeStringField(2, sub.topic)
            writer.writeBytesField(1, inner.bytes)
        }
        for message in publish {
            writer.writeBytesField(2, message.protobufEncoded)
        }
        if let control, !control.isEmpty {
            writer.writeBytesField(3, control.protobufEncoded)
        }
        return writer.bytes
    }
}

extension GossipsubRPC.SubOpts {
    init(reader: ProtobufReader) throws(ProtobufDecodingError) {
        var reader = reader
        var subscribe = false
        var topic = ""
        while !reader.isAtEnd {
            let (field, wireType) = try reader.readKey()
            switch (field, wireType) {
            case (1, 0): subscribe = try reader.readVarint() != 0
            case (2, 2): topic = try reader.readString()
            default: try reader.skip(wireType: wireType)
            }
        }
        self.init(subscribe: subscribe, topic: topic)
    }
}

extension GossipsubMessage {
    init(reader: ProtobufReader) throws(ProtobufDecodingError) {
        var reader = reader
        self.init(data: [], topic: "")
        var sawTopic = false
        while !reader.isAtEnd {
            let (field, wireType) = try reader.readKey()
            guard wireType == 2, (1...6).contains(field) else {
                try reader.skip(wireType: wireType)
                continue
            }
            switch field {
            case 1: from = try reader.readLengthDelimited()
            case 2: data = try reader.readLengthDelimited()
            case 3: seqno = try reader.readLengthDelimited()
            case 4:
                // Older implementations used `repeated string topicIDs = 4`; keep the first.
                let value = try reader.readString()
                if !sawTopic { topic = value }
                sawTopic = true
            case 5: signature = try reader.readLengthDelimited()
            default: key = try reader.readLengthDelimited()
            }
        }
    }

    /// Decodes a standalone `Message`.
    public init(protobuf bytes: [UInt8]) throws(GossipsubError) {
        do {
            try self.init(reader: ProtobufReader(bytes))
        } catch {
            throw GossipsubError(decoding: error)
        }
    }

    /// The full encoding (fields 1–6 present when set).
    public var protobufEncoded: [UInt8] {
        var writer = signedFieldsWriter()
        if let signature { writer.writeBytesField(5, signature) }
        if let key { writer.writeBytesField(6, key) }
        return writer.bytes
    }

    /// Fields 1–4 only, in field-number order: the bytes StrictSign signs after `"libp2p-pubsub:"`.
    public var signedFieldsEncoded: [UInt8] { signedFieldsWriter().bytes }

    private func signedFieldsWriter() -> GossipProtobufWriter {
        var writer = GossipProtobufWriter()
        if let from { writer.writeBytesField(1, from) }
        writer.writeBytesField(2, data)
        if let seqno { writer.writeBytesField(3, seqno) }
        writer.writeStringField(4, topic)
        return writer
    }
}

extension ControlMessage {
    init(reader: ProtobufReader) throws(ProtobufDecodingError) {
        var reader = reader
        self.init()
        while !reader.isAtEnd {
            let (field, wireType) = try reader.readKey()
            guard wireType == 2, (1...4).contains(field) else {
                try reader.skip(wireType: wireType)
                continue
            }
            var inner = try reader.readEmbedded()
            var topic = ""
            var ids: [[UInt8]] = []
            var peers: [PeerInfo] = []
            var backoff: UInt64?
            while !inner.isAtEnd {
                let (innerField, innerType) = try inner.readKey()
                switch (field, innerField, innerType) {
                case (1, 1, 2), (3, 1, 2), (4, 1, 2): topic = try inner.readString()
                case (1, 2, 2), (2, 1, 2): ids.append(try inner.readLengthDelimited())
                case (4, 2, 2): peers.append(try PeerInfo(reader: inner.readEmbedded()))
                case (4, 3, 0): backoff = try inner.readVarint()
                default: try inner.skip(wireType: innerType)
                }
            }
            switch field {
            case 1: ihave.append(IHave(topic: topic, messageIDs: ids))
            case 2: iwant.append(IWant(messageIDs: ids))
            case 3: graft.append(Graft(topic: topic))
            default: prune.append(Prune(topic: topic, peers: peers, backoffSeconds: backoff))
            }
        }
    }

    var protobufEncoded: [UInt8] {
        var writer = GossipProtobufWriter()
        for item in ihave {
            var inner = GossipProtobufWriter()
            inner.writeStringField(1, item.topic)
            for id in item.messageIDs { inner.writeBytesField(2, id) }
            writer.writeBytesField(1, inner.bytes)
        }
        for item in iwant {
            var inner = GossipProtobufWriter()
            for id in item.messageIDs { inner.writeBytesField(1, id) }
            writer.writeBytesField(2, inner.bytes)
        }
        for item in graft {
            var inner = GossipProtobufWriter()
            inner.writeStringField(1, item.topic)
            writer.writeBytesField(3, inner.bytes)
        }
        for item in prune {
            var inner = GossipProtobufWriter()
            inner.writeStringField(1, item.topic)
            for peer in item.peers {
                var info = GossipProtobufWriter()
                if let id = peer.peerID { info.writeBytesField(1, id) }
                if let record = peer.signedPeerRecord { info.writeBytesField(2, record) }
                inner.writeBytesField(2, info.bytes)
            }
            if let backoff = item.backoffSeconds { inner.writeVarintField(3, backoff) }
            writer.writeBytesField(4, inner.bytes)
        }
        return writer.bytes
    }
}

extension ControlMessage.PeerInfo {
    init(reader: ProtobufReader) throws(ProtobufDecodingError) {
        var reader = reader
        self.init(peerID: nil)
        while !reader.isAtEnd {
            let (field, wireType) = try reader.readKey()
            switch (field, wireType) {
            case (1, 2): peerID = try reader.readLengthDelimited()
            case (2, 2): signedPeerRecord = try reader.readLengthDelimited()
            default: try reader.skip(wireType: wireType)
            }
        }
    }
}
