// SPDX-License-Identifier: Apache-2.0
import Libp2pMultistream
import Libp2pYamux
import Multiformats
import NIOCore

/// A negotiated libp2p stream (one yamux stream after multistream-select).
public final class Libp2pStream: Sendable {
    public let protocolID: String
    public let remotePeer: PeerID
    let raw: YamuxStream

    init(protocolID: String, remotePeer: PeerID, raw: YamuxStream) {
        self.protocolID = protocolID
        self.remotePeer = remotePeer
        self.raw = raw
    }

    /// The next bytes; nil once the remote closed its write side.
    public func read() async throws -> ByteBuffer? {
        do { return try await raw.read() } catch { throw Libp2pHostError.streamReset }
    }

    /// One uvarint-length-prefixed message; nil on a clean EOF before any byte of it.
    public func readLengthPrefixed(maxLength: Int) async throws -> ByteBuffer? {
        var pending = ByteBuffer()
        while true {
            var probe = pending
            let length: UInt64?
            do { length = try probe.readUVarint() } catch { throw Libp2pHostError.messageTooLarge(-1) }
            if let length {
                guard length <= UInt64(maxLength) else {
                    await raw.unread(pending)
                    throw Libp2pHostError.messageTooLarge(Int(clamping: length))
                }
                if probe.readableBytes >= Int(length) {
                    let message = probe.readSlice(length: Int(length))!
                    await raw.unread(probe)
                    return message
                }
            }
            guard var chunk = try await read() else {
                if pending.readableBytes == 0 { return nil }
                throw Libp2pHostError.unexpectedEOF
            }
            pending.writeBuffer(&chunk)
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

    /// Reads exactly `count` bytes (throws on EOF before that).
    public func readExactly(_ count: Int) async throws -> ByteBuffer {
        var all = ByteBuffer()
        while all.readableBytes < count {
            guard var chunk = try await read() else { throw Libp2pHostError.unexpectedEOF }
            all.writeBuffer(&chunk)
        }
        let result = all.readSlice(length: count)!
        await raw.unread(all)
        return result
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
    static func outbound(_ raw: YamuxStream, protocols: [String]) async throws -> String {
        var machine = MultistreamInitiator(protocols: protocols)
        try await raw.write(machine.start())
        return try await run(raw) { input in
            let step = try machine.receive(&input)
            return (step.output, step.selected)
        }
    }

    static func inbound(_ raw: YamuxStream, isSupported: @escaping @Sendable (String) -> Bool) async throws -> String {
        var machine = MultistreamResponder(isSupported: isSupported)
        try await raw.write(machine.start())
        return try await run(raw) { input in
            let step = try machine.receive(&input)
            return (step.output, step.selected)
        }
    }

    private static func run(_ raw: YamuxStream, step: (inout ByteBuffer) throws -> (ByteBuffer?, String?)) async throws -> String {
        var input = ByteBuffer()
        while true {
            guard var chunk = try await raw.read() else { throw Libp2pHostError.unexpectedEOF }
            input.writeBuffer(&chunk)
            let (output, selected) = try step(&input)
            if let output { try await raw.write(output) }
            if let selected {
                await raw.unread(input)
                return selected
            }
        }
    }
}
