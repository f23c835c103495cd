// SPDX-License-Identifier: Apache-2.0
import Libp2pMultistream
import Libp2pYamux
public import Multiformats
public import NIOCore
import Synchronization

/// A negotiated libp2p stream (one yamux stream after multistream-select). The framed readers keep
/// their own buffer (`FramedReadBuffer`): bytes are granted back to the peer as window once, when
/// consumed, never re-read from yamux.
public final class Libp2pStream: Sendable {
    public let protocolID: String
    public let remotePeer: PeerID
    let raw: YamuxStream
    private let framed: Mutex<FramedReadBuffer>

    /// `leftover`: bytes that arrived after the negotiation (already granted to the peer).
    init(protocolID: String, remotePeer: PeerID, raw: YamuxStream, leftover: ByteBuffer = ByteBuffer()) {
        self.protocolID = protocolID
        self.remotePeer = remotePeer
        self.raw = raw
        framed = Mutex(FramedReadBuffer(bytes: leftover, granted: leftover.readableBytes))
    }

    /// The next bytes; nil once the remote closed its write side.
    public func read() async throws -> ByteBuffer? {
        let (held, due) = framed.withLock { $0.takeAll() }
        if held.readableBytes > 0 {
            raw.consume(due)
            return held
        }
        do { return try await raw.read() } catch { throw Libp2pHostError.streamReset }
    }

    /// One uvarint-length-prefixed message; nil on a clean EOF before any byte of it.
    public func readLengthPrefixed(maxLength: Int) async throws -> ByteBuffer? {
        while true {
            let prefix = framed.withLock { $0.lengthPrefix(maxLength: maxLength) }
            switch prefix {
            case .tooLarge(let length):
                throw Libp2pHostError.messageTooLarge(length)
            case .complete(let headerLength, let length):
                let total = headerLength + length
                let taken = framed.withLock { buffer -> (ByteBuffer, due: Int)? in
                    guard buffer.readableBytes >= total, let headerDue = buffer.take(headerLength)?.due,
                        let (message, due) = buffer.take(length)
                    else { return nil }
                    return (message, headerDue + due)
                }
                if let (message, due) = taken {
                    raw.consume(due)
                    return message
                }
                // The announced message is accepted: let the peer send all of it, even past one window.
                raw.consume(framed.withLock { $0.grant(upTo: total) })
            case .incomplete:
                break
            }
            guard try await pull() else {
                if framed.withLock({ $0.readableBytes }) == 0 { return nil }
                throw Libp2pHostError.unexpectedEOF
            }
        }
    }

    /// Reads until EOF, at most `maxLength` bytes.
    public func readAll(maxLength: Int) async throws -> ByteBuffer {
        var all = ByteBuffer()
        while var chunk = try await read() {
            guard all.readableBytes + chunk.readableBytes <= maxLength else {
                throw Libp2pHostError.messageTooLarge(all.readableBytes + chunk.readableBytes)
            }
            all.writeBuffer(&chunk)
        }
        return all
    }

    /// Reads exactly `count` bytes (throws on EOF before that). Copies only those bytes.
    public func readExactly(_ count: Int) async throws -> ByteBuffer {
        while true {
            if let (result, due) = framed.withLock({ $0.take(count) }) {
                raw.consume(due)
                return result
            }
            raw.consume(framed.withLock { $0.grant(upTo: count) })
            guard try await pull() else { throw Libp2pHostError.unexpectedEOF }
        }
    }

    /// Moves the next bytes from yamux into the framed buffer, without granting them; false on EOF.
    private func pull() async throws -> Bool {
        let chunk: ByteBuffer?
        do { chunk = try await raw.readWithoutConsuming() } catch { throw Libp2pHostError.streamReset }
        guard var chunk else { return false }
        framed.withLock { $0.append(&chunk) }
        return true
    }

    public func write(_ bytes: ByteBuffer) async throws {
        do { try await raw.write(bytes) } catch { throw Libp2pHostError.streamReset }
    }

    public func writeLengthPrefixed(_ bytes: ByteBuffer) async throws {
        var framed = ByteBuffer()
        framed.writeLengthPrefixedBuffer(bytes, strategy: UVarint())
        try await write(framed)
    }

    /// Half-closes our side (FIN) after queued writes.
    public func closeWrite() async { await raw.closeWrite() }

    /// Aborts the stream (RST).
    public func reset() async { await raw.reset() }
}

/// multistream-select over a raw yamux stream (async), keeping pipelined bytes for the application.
enum StreamNegotiation {
    /// The selected protocol and the bytes that followed the negotiation.
    typealias Outcome = (selected: String, leftover: ByteBuffer)

    static func outbound(_ raw: YamuxStream, protocols: [String]) async throws -> Outcome {
        var machine = MultistreamInitiator(protocols: protocols)
        try await raw.write(machine.start())
        return try await run(raw) { input in
            let step = try machine.receive(&input)
            return (step.output, step.selected)
        }
    }

    static func inbound(_ raw: YamuxStream, isSupported: @escaping @Sendable (String) -> Bool) async throws -> Outcome {
        var machine = MultistreamResponder(isSupported: isSupported)
        try await raw.write(machine.start())
        return try await run(raw) { input in
            let step = try machine.receive(&input)
            return (step.output, step.selected)
        }
    }

    private static func run(_ raw: YamuxStream, step: (inout ByteBuffer) throws -> (ByteBuffer?, String?)) async throws -> Outcome {
        var input = ByteBuffer()
        while true {
            guard var chunk = try await raw.read() else { throw Libp2pHostError.unexpectedEOF }
            input.writeBuffer(&chunk)
            let (output, selected) = try step(&input)
            if let output { try await raw.write(output) }
            if let selected { return (selected, input) }
        }
    }
}
