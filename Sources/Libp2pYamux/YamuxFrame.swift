// SPDX-License-Identifier: Apache-2.0
public import NIOCore

/// One yamux frame: a 12-byte big-endian header (version 0, type, flags, stream id, length) and,
/// for Data frames, `length` payload bytes.
public struct YamuxFrame: Equatable, Sendable {
    public enum FrameType: UInt8, Sendable {
        case data = 0
        case windowUpdate = 1
        case ping = 2
        case goAway = 3
    }

    public struct Flags: OptionSet, Hashable, Sendable {
        public let rawValue: UInt16
        public init(rawValue: UInt16) { self.rawValue = rawValue }
        public static let syn = Flags(rawValue: 1)
        public static let ack = Flags(rawValue: 2)
        public static let fin = Flags(rawValue: 4)
        public static let rst = Flags(rawValue: 8)
    }

    /// Go-away codes.
    public enum GoAwayCode: UInt32, Sendable {
        case normal = 0
        case protocolError = 1
        case internalError = 2
    }

    public static let headerLength = 12

    public var type: FrameType
    public var flags: Flags
    public var streamID: UInt32
    /// Payload length (Data), window delta (Window Update), opaque value (Ping) or code (Go Away).
    public var length: UInt32
    /// The Data payload (empty for other types).
    public var payload: ByteBuffer

    public init(type: FrameType, flags: Flags = [], streamID: UInt32, length: UInt32 = 0, payload: ByteBuffer = ByteBuffer()) {
        self.type = type
        self.flags = flags
        self.streamID = streamID
        self.length = type == .data ? UInt32(payload.readableBytes) : length
        self.payload = payload
    }

    public static func data(_ streamID: UInt32, _ payload: ByteBuffer, flags: Flags = []) -> YamuxFrame {
        YamuxFrame(type: .data, flags: flags, streamID: streamID, payload: payload)
    }

    public static func windowUpdate(_ streamID: UInt32, delta: UInt32, flags: Flags = []) -> YamuxFrame {
        YamuxFrame(type: .windowUpdate, flags: flags, streamID: streamID, length: delta)
    }
}

/// Why the yamux decoder or session rejected the peer's bytes. Ends that connection.
public enum YamuxError: Error, Equatable, Sendable, CustomStringConvertible {
    case unsupportedVersion(UInt8)
    case unknownFrameType(UInt8)
    case frameTooLarge(UInt32)
    case protocolViolation(String)
    case sessionClosed
    case streamReset
    case streamClosed
    case tooManyStreams

    public var description: String {
        switch self {
        case .unsupportedVersion(let version): "unsupported yamux version \(version)"
        case .unknownFrameType(let type): "unknown yamux frame type \(type)"
        case .frameTooLarge(let length): "yamux data frame of \(length) bytes is too large"
        case .protocolViolation(let why): "yamux protocol violation: \(why)"
        case .sessionClosed: "yamux session closed"
        case .streamReset: "yamux stream reset"
        case .streamClosed: "yamux stream closed for writing"
        case .tooManyStreams: "too many yamux streams"
        }
    }
}

extension ByteBuffer {
    /// Reads one frame; nil when incomplete (reader index unchanged); throws on a bad header or a
    /// Data frame longer than `maxDataLength`.
    public mutating func readYamuxFrame(maxDataLength: Int) throws -> YamuxFrame? {
        guard readableBytes >= YamuxFrame.headerLength,
            let (version, rawType, rawFlags, streamID, length) = getMultipleIntegers(
                at: readerIndex, as: (UInt8, UInt8, UInt16, UInt32, UInt32).self)
        else { return nil }
        guard version == 0 else { throw YamuxError.unsupportedVersion(version) }
        guard let type = YamuxFrame.FrameType(rawValue: rawType) else { throw YamuxError.unknownFrameType(rawType) }
        var payload = ByteBuffer()
        if type == .data {
            guard Int(length) <= maxDataLength else { throw YamuxError.frameTooLarge(length) }
            guard readableBytes >= YamuxFrame.headerLength + Int(length) else { return nil }
            moveReaderIndex(forwardBy: YamuxFrame.headerLength)
            payload = readSlice(length: Int(length))!
        } else {
            moveReaderIndex(forwardBy: YamuxFrame.headerLength)
        }
        return YamuxFrame(type: type, flags: YamuxFrame.Flags(rawValue: rawFlags), streamID: streamID, length: length, payload: payload)
    }

    /// Writes one frame (header, then the Data payload).
    @discardableResult
    public mutating func writeYamuxFrame(_ frame: YamuxFrame) -> Int {
        var written = writeYamuxHeader(frame)
        if frame.type == .data { written += writeImmutableBuffer(frame.payload) }
        return written
    }

    /// Writes the 12-byte header of `frame` only (its payload goes out as a buffer of its own).
    @discardableResult
    public mutating func writeYamuxHeader(_ frame: YamuxFrame) -> Int {
        writeMultipleIntegers(UInt8(0), frame.type.rawValue, frame.flags.rawValue, frame.streamID, frame.length)
    }
}

/// A `NIOSingleStepByteToMessageDecoder` for yamux frames (used by tests and the verifier).
public struct YamuxFrameDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = YamuxFrame
    public let maxDataLength: Int

    public init(maxDataLength: Int = YamuxConfiguration.maxWindow) {
        precondition(maxDataLength > 0)
        self.maxDataLength = maxDataLength
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> YamuxFrame? {
        try buffer.readYamuxFrame(maxDataLength: maxDataLength)
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> YamuxFrame? {
        try decode(buffer: &buffer)
    }
}

/// Limits and defaults (libp2p.md §A.7; go-yamux v4 values).
public struct YamuxConfiguration: Sendable {
    /// Initial per-stream window, both directions.
    public static let initialWindow = 256 * 1024
    /// Largest window the peer may grant us / we accept receiving into.
    public static let maxWindow = 16 * 1024 * 1024

    /// Our receive window per stream (we grant the peer this much in flight).
    public var receiveWindow = YamuxConfiguration.initialWindow
    /// Largest Data payload we send in one frame (one frame ≤ one Noise message).
    public var maxDataFramePayload = 65519 - YamuxFrame.headerLength
    /// Inbound streams allowed at once; more are refused with RST.
    public var maxInboundStreams = 512
    /// Outbound streams allowed at once.
    public var maxOutboundStreams = 512
    /// Bytes received on all streams of one session that the application has not consumed yet.
    /// Data past it resets the stream it arrived on (each stream alone is capped by its window).
    public var maxBufferedBytes = 4 * 1024 * 1024

    public init() {}
}
