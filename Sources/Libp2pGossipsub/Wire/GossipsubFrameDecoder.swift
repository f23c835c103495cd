// SPDX-License-Identifier: Apache-2.0
import NIOCore

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

    /// The next complete frame body, `nil` when more bytes are needed.
    public mutating func nextFrame() throws(GossipsubError) -> [UInt8]? {
        let view = buffer.readableBytesView
        var length: UInt64 = 0
        var shift: UInt64 = 0
        var prefixLength = 0
        for byte in view {
            prefixLength += 1
            length |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { break }
            shift += 7
            // A uvarint is at most 9 bytes (multiformats); anything longer is malformed.
            if prefixLength >= 9 { throw .malformedLengthPrefix }
        }
        guard prefixLength > 0, view[view.startIndex + prefixLength - 1] & 0x80 == 0 else { return nil }
        guard length <= UInt64(maxFrameLength) else { throw .frameTooLarge(length: length, limit: maxFrameLength) }
        guard buffer.readableBytes - prefixLength >= Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: prefixLength)
        let body = buffer.readBytes(length: Int(length)) ?? []
        buffer.discardReadBytes()
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
