// SPDX-License-Identifier: Apache-2.0
public import NIOCore

/// What the session machine asks the connection to do after an inbound frame.
public enum YamuxSessionEvent: Equatable, Sendable {
    /// Write this frame to the peer.
    case send(YamuxFrame)
    /// The peer opened a stream (already ACKed by a `.send` before this event).
    case streamOpened(UInt32)
    /// Payload for a stream.
    case data(UInt32, ByteBuffer)
    /// The peer half-closed its side (FIN).
    case remoteClosed(UInt32)
    /// The stream is gone (RST from the peer, or refused / violated by us).
    case streamReset(UInt32)
    /// The peer granted more send window.
    case windowOpened(UInt32)
    /// A reply to our ping.
    case pong(UInt32)
    /// The peer is going away.
    case goAway(UInt32)
    /// The peer broke the protocol; the connection must close after the `.send(goAway)` before this.
    case fatal(String)
}

/// The yamux session as a pure state machine: stream table, flow-control windows, pings and
/// go-away. No channel, no I/O: frames in, events and frames out.
public struct YamuxSessionStateMachine: Sendable {
    struct StreamState: Sendable {
        var sendWindow: Int = YamuxConfiguration.initialWindow
        var receiveWindow: Int
        /// Received, not yet consumed by the application.
        var buffered = 0
        /// Consumed, not yet granted back to the peer.
        var unacknowledgedCredit = 0
        var localClosed = false
        var remoteClosed = false
        var needsSYN: Bool
        var needsACK: Bool
        let inbound: Bool
    }

    public let isClient: Bool
    public let configuration: YamuxConfiguration
    private(set) var streams: [UInt32: StreamState] = [:]
    private var nextStreamID: UInt32
    private var nextPingValue: UInt32 = 1
    public private(set) var goingAway = false
    public private(set) var remoteGoingAway = false

    public init(isClient: Bool, configuration: YamuxConfiguration = YamuxConfiguration()) {
        self.isClient = isClient
        self.configuration = configuration
        nextStreamID = isClient ? 1 : 2
    }

    public var streamCount: Int { streams.count }

    /// Bytes received on open streams that the application has not consumed (≤ `maxBufferedBytes`).
    public private(set) var bufferedBytes = 0

    /// Bytes received on stream `id` that the application has not consumed (≤ its receive window).
    public func bufferedBytes(of id: UInt32) -> Int { streams[id]?.buffered ?? 0 }

    public func sendWindow(of id: UInt32) -> Int { streams[id]?.sendWindow ?? 0 }

    public func isOpen(_ id: UInt32) -> Bool { streams[id] != nil }

    // MARK: outbound commands

    /// Opens a stream: returns its id and the SYN window update frame to send (granting our window
    /// beyond the 256 KiB default when configured larger).
    public mutating func openStream() throws -> (UInt32, YamuxFrame) {
        guard !goingAway, !remoteGoingAway else { throw YamuxError.sessionClosed }
        guard streams.values.filter({ !$0.inbound }).count < configuration.maxOutboundStreams else { throw YamuxError.tooManyStreams }
        let id = nextStreamID
        guard id < UInt32.max - 2 else { throw YamuxError.sessionClosed }
        nextStreamID += 2
        streams[id] = StreamState(receiveWindow: configuration.receiveWindow, needsSYN: false, needsACK: false, inbound: false)
        let extra = configuration.receiveWindow - YamuxConfiguration.initialWindow
        return (id, .windowUpdate(id, delta: UInt32(clamping: max(0, extra)), flags: .syn))
    }

    /// Frames carrying as much of `data` as the send window allows (the rest stays in `data`).
    public mutating func send(_ id: UInt32, data: inout ByteBuffer) throws -> [YamuxFrame] {
        guard var stream = streams[id] else { throw YamuxError.streamReset }
        guard !stream.localClosed else { throw YamuxError.streamClosed }
        var frames: [YamuxFrame] = []
        while data.readableBytes > 0, stream.sendWindow > 0 {
            let length = min(data.readableBytes, stream.sendWindow, configuration.maxDataFramePayload)
            let chunk = data.readSlice(length: length)!
            stream.sendWindow -= length
            frames.append(.data(id, chunk, flags: takeOpeningFlags(&stream)))
        }
        streams[id] = stream
        return frames
    }

    /// The application consumed `count` bytes of stream `id`: a window update once half the window is due.
    /// Only bytes that arrived and were not consumed before count, so the peer is never granted a byte
    /// twice and the window never grows past `receiveWindow`.
    public mutating func consumed(_ id: UInt32, count: Int) -> YamuxFrame? {
        guard var stream = streams[id], count > 0 else { return nil }
        let credit = min(count, stream.buffered)
        stream.buffered -= credit
        bufferedBytes -= credit
        stream.unacknowledgedCredit += credit
        defer { streams[id] = stream }
        guard stream.unacknowledgedCredit >= configuration.receiveWindow / 2, !stream.remoteClosed else { return nil }
        let delta = stream.unacknowledgedCredit
        guard let wireDelta = UInt32(exactly: delta) else { return nil }
        stream.unacknowledgedCredit = 0
        stream.receiveWindow += delta
        return .windowUpdate(id, delta: wireDelta, flags: takeOpeningFlags(&stream))
    }

    /// Half-closes our side (FIN). The stream is removed once both sides closed.
    public mutating func closeWrite(_ id: UInt32) -> YamuxFrame? {
        guard var stream = streams[id], !stream.localClosed else { return nil }
        stream.localClosed = true
        let frame = YamuxFrame.windowUpdate(id, delta: 0, flags: takeOpeningFlags(&stream).union(.fin))
        if stream.remoteClosed { remove(id) } else { streams[id] = stream }
        return frame
    }

    /// Aborts a stream (RST).
    public mutating func reset(_ id: UInt32) -> YamuxFrame? {
        guard remove(id) != nil else { return nil }
        return .windowUpdate(id, delta: 0, flags: .rst)
    }

    /// A ping request; its value comes back as `.pong`.
    public mutating func ping() -> (UInt32, YamuxFrame) {
        let value = nextPingValue
        nextPingValue &+= 1
        return (value, YamuxFrame(type: .ping, flags: .syn, streamID: 0, length: value))
    }

    /// Announces that we are leaving.
    public mutating func goAway(_ code: YamuxFrame.GoAwayCode = .normal) -> YamuxFrame {
        goingAway = true
        return YamuxFrame(type: .goAway, streamID: 0, length: code.rawValue)
    }

    /// Drops a stream and the bytes it still counted as buffered.
    @discardableResult
    private mutating func remove(_ id: UInt32) -> StreamState? {
        guard let stream = streams.removeValue(forKey: id) else { return nil }
        bufferedBytes -= stream.buffered
        return stream
    }

    private func isOwnID(_ id: UInt32) -> Bool { (id % 2 == 1) == isClient }

    private func takeOpeningFlags(_ stream: inout StreamState) -> YamuxFrame.Flags {
        if stream.needsACK {
            stream.needsACK = false
            return .ack
        }
        return []
    }

    // MARK: inbound

    /// Processes one frame from the peer.
    public mutating func receive(_ frame: YamuxFrame) -> [YamuxSessionEvent] {
        switch frame.type {
        case .ping:
            guard frame.streamID == 0 else { return fatal("ping on stream \(frame.streamID)") }
            if frame.flags.contains(.syn) {
                return [.send(YamuxFrame(type: .ping, flags: .ack, streamID: 0, length: frame.length))]
            }
            return frame.flags.contains(.ack) ? [.pong(frame.length)] : []
        case .goAway:
            guard frame.streamID == 0 else { return fatal("go-away on stream \(frame.streamID)") }
            remoteGoingAway = true
            return [.goAway(frame.length)]
        case .data, .windowUpdate:
            return receiveStreamFrame(frame)
        }
    }

    private mutating func receiveStreamFrame(_ frame: YamuxFrame) -> [YamuxSessionEvent] {
        let id = frame.streamID
        guard id != 0 else { return fatal("stream frame on stream 0") }
        var events: [YamuxSessionEvent] = []
        if frame.flags.contains(.syn) {
            guard streams[id] == nil, !isOwnID(id) else { return fatal("bad SYN for stream \(id)") }
            let inboundCount = streams.values.filter(\.inbound).count
            if inboundCount >= configuration.maxInboundStreams || goingAway {
                return [.send(.windowUpdate(id, delta: 0, flags: .rst))]
            }
            streams[id] = StreamState(receiveWindow: configuration.receiveWindow, needsSYN: false, needsACK: false, inbound: true)
            let extra = UInt32(clamping: max(0, configuration.receiveWindow - YamuxConfiguration.initialWindow))
            events.append(.send(.windowUpdate(id, delta: extra, flags: .ack)))
            events.append(.streamOpened(id))
        }
        guard var stream = streams[id] else {
            return []  // frames for streams already closed/reset are dropped
        }
        if frame.flags.contains(.rst) {
            remove(id)
            return events + [.streamReset(id)]
        }
        if frame.type == .windowUpdate, frame.length > 0 {
            let grown = stream.sendWindow + Int(frame.length)
            guard grown <= Int(UInt32.max) else { return fatal("window overflow on stream \(id)") }
            stream.sendWindow = grown
            events.append(.windowOpened(id))
        }
        if frame.type == .data, frame.payload.readableBytes > 0 {
            let length = frame.payload.readableBytes
            // Data after FIN, past the window we granted, or past the session's buffer cap resets the stream.
            guard !stream.remoteClosed, length <= stream.receiveWindow,
                bufferedBytes + length <= configuration.maxBufferedBytes
            else {
                remove(id)
                return events + [.send(.windowUpdate(id, delta: 0, flags: .rst)), .streamReset(id)]
            }
            stream.receiveWindow -= length
            stream.buffered += length
            bufferedBytes += length
            events.append(.data(id, frame.payload))
        }
        if frame.flags.contains(.fin), !stream.remoteClosed {
            stream.remoteClosed = true
            events.append(.remoteClosed(id))
        }
        streams[id] = stream
        if stream.remoteClosed && stream.localClosed { remove(id) }
        return events
    }

    private mutating func fatal(_ reason: String) -> [YamuxSessionEvent] {
        goingAway = true
        return [.send(YamuxFrame(type: .goAway, streamID: 0, length: YamuxFrame.GoAwayCode.protocolError.rawValue)), .fatal(reason)]
    }
}
