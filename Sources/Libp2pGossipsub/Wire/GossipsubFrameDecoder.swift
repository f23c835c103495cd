// SPDX-License-Identifier: Apache-2.0
public import NIOCore
import Primitives

/// Splits a gossipsub stream into RPC frames: `uvarint(length) ‖ protobuf(RPC)`.
///
/// Pure and incremental: append whatever bytes arrived, then pull frames until `nil` (need more).
/// A frame announcing more than `maxFrameLength` (go-libp2p-pubsub: 1 MiB) is an error before any
/// of its body is buffered, so a peer cannot make us hold more than the limit.
public struct GossipsubFrameDecoder: Sendable {
    /// go-libp2p-pubsub's default maximum RPC size.
    public static let defaultMaxFrameLength = 1 << 20

    public let maxFrameLength: Int
    private var buffer: ByteBuffer

    /// - Parameters:
    ///   - maxFrameLength: the largest accepted RPC body in bytes.
    public init(maxFrameLength: Int = GossipsubFrameDecoder.defaultMaxFrameLength) {
        precondition(maxFrameLength > 0)
        self.maxFrameLength = maxFrameLength
        self.buffer = ByteBuffer()
    }

    /// Bytes held but not yet returned as a frame.
    public var bufferedByteCount: Int { buffer.readableBytes }

    public mutating func append(_ bytes: ByteBuffer) {
        var bytes = bytes
        buffer.writeBuffer(&bytes)
    }

    public mutating func append(_ bytes: some Sequence<UInt8>) {
        buffer.writeBytes(bytes)
    }

    /// Frame lengths: at most 9 bytes; padded encodings are tolerated, as they always were.
    static let lengthPrefixRule = Varint.Rule(maxBytes: 9, requiresMinimal: false)

    /// The next complete frame body, `nil` when more bytes are needed.
    public mutating func nextFrame() throws(GossipsubError) -> [UInt8]? {
        // A uvarint length of at most 9 bytes (multiformats); anything longer is malformed.
        let prefix: (value: UInt64, length: Int)?
        do {
            prefix = try Varint.decode(buffer.readableBytesView, rule: Self.lengthPrefixRule)
        } catch {
            throw .malformedLengthPrefix
        }
        guard let (length, prefixLength) = prefix else { return nil }
        guard length <= UInt64(maxFrameLength) else { throw .frameTooLarge(length: length, limit: maxFrameLength) }
        guard buffer.readableBytes - prefixLength >= Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: prefixLength)
        let body = buffer.readBytes(length: Int(length)) ?? []
        // Reclaim consumed space without a memmove per frame.
        if buffer.readableBytes == 0 {
            buffer.clear()
        } else if buffer.readerIndex > 1 << 16 {
            buffer.discardReadBytes()
        }
        return body
    }

    /// Decodes the next frame as an RPC.
    public mutating func nextRPC() throws(GossipsubError) -> GossipsubRPC? {
        guard let frame = try nextFrame() else { return nil }
        return try GossipsubRPC(protobuf: frame)
    }
}

extension GossipsubRPC {
    /// `uvarint(length) ‖ protobuf`, ready to write on a stream.
    public var lengthPrefixedEncoded: [UInt8] {
        let body = protobufEncoded
        var writer = GossipProtobufWriter()
        writer.writeVarint(UInt64(body.count))
        return writer.bytes + body
    }
}
