// SPDX-License-Identifier: Apache-2.0
import Multiformats
import NIOCore

/// Bytes a framed reader (`readExactly`, `readLengthPrefixed`) took from a yamux stream but has not
/// handed to the application yet, and how many of them were already granted back to the peer as
/// window. Bytes are granted once: when the application takes them, or earlier when they belong to a
/// message whose announced length we accepted (so a message larger than the window can complete).
/// Bytes past the current message stay ungranted, so a peer cannot make us hold more than
/// one message plus one window. Pure value type; `Libp2pStream` keeps it behind a lock.
struct FramedReadBuffer: Sendable {
    /// What the next uvarint length prefix says.
    enum LengthPrefix: Equatable {
        /// Not all of the prefix has arrived.
        case incomplete
        /// `headerLength` bytes of prefix announce a body of `length` bytes.
        case complete(headerLength: Int, length: Int)
        /// The prefix is malformed or announces more than allowed.
        case tooLarge(Int)
    }

    private(set) var bytes: ByteBuffer
    /// How many of the leading `bytes` were already granted back to the peer.
    private(set) var granted: Int

    init(bytes: ByteBuffer = ByteBuffer(), granted: Int = 0) {
        self.bytes = bytes
        self.granted = min(granted, bytes.readableBytes)
    }

    var readableBytes: Int { bytes.readableBytes }

    mutating func append(_ chunk: inout ByteBuffer) {
        bytes.writeBuffer(&chunk)
    }

    /// Grants the leading `count` bytes (those not granted before); returns how many to grant now.
    mutating func grant(upTo count: Int) -> Int {
        let target = min(count, bytes.readableBytes)
        guard target > granted else { return 0 }
        defer { granted = target }
        return target - granted
    }

    /// Removes `count` bytes (a copy, so no slice keeps the buffer's storage alive); returns them and
    /// how many of them still have to be granted.
    mutating func take(_ count: Int) -> (ByteBuffer, due: Int)? {
        guard count >= 0, count <= bytes.readableBytes else { return nil }
        let due = count - min(granted, count)
        granted = max(0, granted - count)
        let out: ByteBuffer
        if count == bytes.readableBytes {
            out = bytes
            bytes = ByteBuffer()
        } else {
            var copy = ByteBuffer()
            copy.reserveCapacity(count)
            copy.writeBytes(bytes.readableBytesView.prefix(count))
            bytes.moveReaderIndex(forwardBy: count)
            out = copy
            if bytes.readerIndex >= 64 * 1024 { bytes.discardReadBytes() }
        }
        return (out, due)
    }

    /// Takes everything; returns it and how much of it still has to be granted.
    mutating func takeAll() -> (ByteBuffer, due: Int) {
        take(bytes.readableBytes) ?? (ByteBuffer(), 0)
    }

    /// Parses the uvarint length prefix at the front without removing it.
    func lengthPrefix(maxLength: Int) -> LengthPrefix {
        var probe = bytes
        let length: UInt64?
        do { length = try probe.readUVarint() } catch { return .tooLarge(-1) }
        guard let length else { return .incomplete }
        guard length <= UInt64(max(0, maxLength)) else { return .tooLarge(Int(clamping: length)) }
        return .complete(headerLength: bytes.readableBytes - probe.readableBytes, length: Int(length))
    }
}
