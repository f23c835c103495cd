// SPDX-License-Identifier: Apache-2.0
public import NIOCore

/// A running yamux session: the state machine plus the per-stream buffers and waiters.
/// Event-loop confined: every method runs on `eventLoop` (the async stream API hops there).
public final class YamuxSession: @unchecked Sendable {
    public let eventLoop: any EventLoop
    var machine: YamuxSessionStateMachine
    private var streams: [UInt32: YamuxStream] = [:]
    private var inbound = ByteBuffer()
    private var pendingPings: [UInt32: (NIODeadline, EventLoopPromise<TimeAmount>)] = [:]
    /// Writes the buffers (in order, flushed once); the future completes when the socket took them.
    private let writeBytes: ([ByteBuffer]) -> EventLoopFuture<Void>
    private let closeConnection: () -> Void
    /// Called (on the loop) for each stream the peer opens.
    var onInboundStream: ((YamuxStream) -> Void)?
    public private(set) var isClosed = false

    init(
        eventLoop: any EventLoop, isClient: Bool, configuration: YamuxConfiguration,
        writeBytes: @escaping ([ByteBuffer]) -> EventLoopFuture<Void>, closeConnection: @escaping () -> Void
    ) {
        self.eventLoop = eventLoop
        machine = YamuxSessionStateMachine(isClient: isClient, configuration: configuration)
        self.writeBytes = writeBytes
        self.closeConnection = closeConnection
    }

    // MARK: inbound

    /// Feeds decrypted bytes from the connection.
    func receive(_ buffer: inout ByteBuffer) {
        eventLoop.preconditionInEventLoop()
        guard !isClosed else { return }
        if inbound.readableBytes == 0 {
            inbound = buffer  // the usual case: whole frames, no copy
            buffer = ByteBuffer()
        } else {
            inbound.writeBuffer(&buffer)
        }
        var output = ByteBuffer()
        do {
            while let frame = try inbound.readYamuxFrame(maxDataLength: machine.configuration.receiveWindow) {
                for event in machine.receive(frame) {
                    if apply(event, output: &output) { flush(output); return }
                }
            }
        } catch {
            output.writeYamuxFrame(machine.goAway(.protocolError))
            flush(output)
            fail(error)
            return
        }
        if inbound.readableBytes == 0 {
            inbound = ByteBuffer()  // payload slices may still use the old storage: never write into it
        } else if inbound.readerIndex > 0 {
            var rest = ByteBuffer()
            rest.writeBuffer(&inbound)  // only the start of a frame
            inbound = rest
        }
        if output.readableBytes > 0 { flush(output) }
    }

    /// Applies one event; returns true when the session must end.
    private func apply(_ event: YamuxSessionEvent, output: inout ByteBuffer) -> Bool {
        switch event {
        case .send(let frame):
            output.writeYamuxFrame(frame)
        case .streamOpened(let id):
            let stream = YamuxStream(id: id, session: self)
            streams[id] = stream
            if output.readableBytes > 0 { flush(output); output.clear() }
            onInboundStream?(stream)
        case .data(let id, let payload):
            // A payload keeps the received buffer's storage only when it is at least a quarter of it,
            // so buffered bytes never hold more than 4× their size in memory.
            streams[id]?.deliver(payload, keepStorage: payload.readableBytes * 4 >= inbound.capacity)
        case .remoteClosed(let id):
            streams[id]?.deliverEOF()
            removeIfDone(id)
        case .streamReset(let id):
            streams.removeValue(forKey: id)?.deliverReset()
        case .windowOpened(let id):
            streams[id]?.pumpWrites()
        case .pong(let value):
            if let (sent, promise) = pendingPings.removeValue(forKey: value) {
                promise.succeed(NIODeadline.now() - sent)
            }
        case .goAway:
            fail(YamuxError.sessionClosed)
            return true
        case .fatal(let reason):
            fail(YamuxError.protocolViolation(reason))
            return true
        }
        return false
    }

    // MARK: commands used by streams and the host

    /// Opens an outbound stream.
    public func openStream() -> EventLoopFuture<YamuxStream> {
        eventLoop.submit { [self] in
            guard !isClosed else { throw YamuxError.sessionClosed }
            let (id, frame) = try machine.openStream()
            let stream = YamuxStream(id: id, session: self)
            streams[id] = stream
            send([frame])
            return stream
        }
    }

    /// Sends a ping and measures the round trip.
    public func ping() -> EventLoopFuture<TimeAmount> {
        eventLoop.flatSubmit { [self] in
            guard !isClosed else { return eventLoop.makeFailedFuture(YamuxError.sessionClosed) }
            let (value, frame) = machine.ping()
            let promise = eventLoop.makePromise(of: TimeAmount.self)
            pendingPings[value] = (.now(), promise)
            send([frame])
            return promise.futureResult
        }
    }

    /// Sends go-away and closes the connection.
    public func close() {
        eventLoop.execute { [self] in
            guard !isClosed else { return }
            var output = ByteBuffer()
            output.writeYamuxFrame(machine.goAway(.normal))
            _ = writeBytes([output])
            fail(YamuxError.sessionClosed)
        }
    }

    /// The connection went away: fail every stream and waiter.
    public func connectionClosed() {
        guard !isClosed else { return }
        isClosed = true
        let all = streams.values
        streams.removeAll()
        for stream in all { stream.deliverReset() }
        for (_, promise) in pendingPings.values { promise.fail(YamuxError.sessionClosed) }
        pendingPings.removeAll()
    }

    private func fail(_ error: any Error) {
        connectionClosed()
        closeConnection()
    }

    /// Writes `frames`: the headers from one buffer, each Data payload as its own buffer (not copied
    /// behind its header; the Noise transport seals header and payload into one frame).
    @discardableResult
    func send(_ frames: [YamuxFrame]) -> EventLoopFuture<Void> {
        var headers = ByteBuffer()
        headers.reserveCapacity(frames.count * YamuxFrame.headerLength)
        for frame in frames { headers.writeYamuxHeader(frame) }
        var pieces: [ByteBuffer] = []
        var start = 0
        var end = 0
        for frame in frames {
            end += YamuxFrame.headerLength
            guard frame.type == .data, frame.payload.readableBytes > 0 else { continue }
            pieces.append(headers.getSlice(at: start, length: end - start)!)
            pieces.append(frame.payload)
            start = end
        }
        if end > start { pieces.append(headers.getSlice(at: start, length: end - start)!) }
        return write(pieces)
    }

    @discardableResult
    private func flush(_ output: ByteBuffer) -> EventLoopFuture<Void> {
        write([output])
    }

    private func write(_ pieces: [ByteBuffer]) -> EventLoopFuture<Void> {
        guard pieces.contains(where: { $0.readableBytes > 0 }) else { return eventLoop.makeSucceededVoidFuture() }
        return writeBytes(pieces)
    }

    func removeIfDone(_ id: UInt32) {
        if !machine.isOpen(id) { streams.removeValue(forKey: id) }
    }

    func forget(_ id: UInt32) {
        streams.removeValue(forKey: id)
    }

    public var openStreamCount: Int { streams.count }

    /// Bytes received on this session that the application has not consumed yet (loop-confined).
    public var bufferedBytes: Int { machine.bufferedBytes }
}
