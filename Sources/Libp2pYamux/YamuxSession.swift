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
    private let writeBytes: (ByteBuffer) -> EventLoopFuture<Void>
    private let closeConnection: () -> Void
    /// Called (on the loop) for each stream the peer opens.
    var onInboundStream: ((YamuxStream) -> Void)?
    public private(set) var isClosed = false

    init(
        eventLoop: any EventLoop, isClient: Bool, configuration: YamuxConfiguration,
        writeBytes: @escaping (ByteBuffer) -> EventLoopFuture<Void>, closeConnection: @escaping () -> Void
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
        inbound.writeBuffer(&buffer)
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
        inbound.discardReadBytes()
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
            streams[id]?.deliver(payload)
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
            _ = writeBytes(output)
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

    @discardableResult
    func send(_ frames: [YamuxFrame]) -> EventLoopFuture<Void> {
        var output = ByteBuffer()
        for frame in frames { output.writeYamuxFrame(frame) }
        return flush(output)
    }

    @discardableResult
    private func flush(_ output: ByteBuffer) -> EventLoopFuture<Void> {
        guard output.readableBytes > 0 else { return eventLoop.makeSucceededVoidFuture() }
        return writeBytes(output)
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
