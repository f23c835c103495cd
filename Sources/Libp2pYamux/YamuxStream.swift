// SPDX-License-Identifier: Apache-2.0
public import NIOCore

/// One yamux stream with an async interface. State lives on the session's event loop; the
/// async methods hop there. Reads return what has arrived; the window is granted back to the peer
/// only for bytes the application consumed (`read()` consumes all it returns, framed readers call
/// `readWithoutConsuming()` then `consume(_:)`), each byte once. Writes wait for send window and
/// for their socket write (a write that returned is never lost to a close right after it).
public final class YamuxStream: @unchecked Sendable {
    public let id: UInt32
    let session: YamuxSession
    private var buffered = ByteBuffer()
    private var remoteClosed = false
    private var isReset = false
    private var readWaiter: (promise: EventLoopPromise<ByteBuffer?>, consuming: Bool)?
    private var pendingWrites: [(ByteBuffer, EventLoopPromise<Void>)] = []
    private var closeAfterWrites = false

    init(id: UInt32, session: YamuxSession) {
        self.id = id
        self.session = session
    }

    var eventLoop: any EventLoop { session.eventLoop }

    // MARK: async API

    /// The next bytes from the peer, consumed (their window goes back to the peer); nil once the
    /// peer closed its side and everything was read.
    public func read() async throws -> ByteBuffer? {
        try await read(consuming: true)
    }

    /// The next bytes from the peer, still counted against the window until `consume(_:)`: a framed
    /// reader keeps a partial message without letting the peer send more than the window meanwhile.
    public func readWithoutConsuming() async throws -> ByteBuffer? {
        try await read(consuming: false)
    }

    /// The application consumed `count` bytes returned by `readWithoutConsuming()`.
    public func consume(_ count: Int) {
        guard count > 0 else { return }
        eventLoop.execute { [self] in
            if let frame = session.machine.consumed(id, count: count) { session.send([frame]) }
        }
    }

    private func read(consuming: Bool) async throws -> ByteBuffer? {
        let pending = eventLoop.flatSubmit { [self] () -> EventLoopFuture<ByteBuffer?> in
            if buffered.readableBytes > 0 { return eventLoop.makeSucceededFuture(takeBuffered(consuming: consuming)) }
            if isReset { return eventLoop.makeFailedFuture(YamuxError.streamReset) }
            if remoteClosed { return eventLoop.makeSucceededFuture(nil) }
            guard readWaiter == nil else { return eventLoop.makeFailedFuture(YamuxError.protocolViolation("concurrent reads")) }
            let promise = eventLoop.makePromise(of: ByteBuffer?.self)
            readWaiter = (promise, consuming)
            return promise.futureResult
        }
        // A cancelled reader (e.g. a timeout) gives up its wait; the stream stays usable.
        return try await withTaskCancellationHandler {
            try await pending.get()
        } onCancel: {
            eventLoop.execute { [self] in
                readWaiter?.promise.fail(CancellationError())
                readWaiter = nil
            }
        }
    }

    /// Writes all of `bytes`, waiting for send window as needed.
    public func write(_ bytes: ByteBuffer) async throws {
        let pending = eventLoop.flatSubmit { [self] () -> EventLoopFuture<Void> in
            if isReset || session.isClosed { return eventLoop.makeFailedFuture(YamuxError.streamReset) }
            if closeAfterWrites { return eventLoop.makeFailedFuture(YamuxError.streamClosed) }
            let promise = eventLoop.makePromise(of: Void.self)
            pendingWrites.append((bytes, promise))
            pumpWrites()
            return promise.futureResult
        }
        // A cancelled writer may have sent part of its bytes: the stream is reset.
        try await withTaskCancellationHandler {
            try await pending.get()
        } onCancel: {
            eventLoop.execute { [self] in
                guard !pendingWrites.isEmpty else { return }
                if let frame = session.machine.reset(id) { session.send([frame]) }
                session.forget(id)
                deliverReset()
            }
        }
    }

    /// Half-closes our side once queued writes are out (FIN).
    public func closeWrite() async {
        try? await eventLoop.submit { [self] in
            closeAfterWrites = true
            pumpWrites()
        }.get()
    }

    /// Aborts the stream in both directions (RST).
    public func reset() async {
        try? await eventLoop.submit { [self] in
            if let frame = session.machine.reset(id) { session.send([frame]) }
            session.forget(id)
            deliverReset()
        }.get()
    }

    // MARK: loop-side

    private func takeBuffered(consuming: Bool) -> ByteBuffer {
        let out = buffered
        buffered = ByteBuffer()
        if consuming, let frame = session.machine.consumed(id, count: out.readableBytes) { session.send([frame]) }
        return out
    }

    /// `keepStorage`: the payload may stay a slice of the received buffer when nothing is buffered.
    func deliver(_ payload: ByteBuffer, keepStorage: Bool = false) {
        if buffered.readableBytes == 0, keepStorage {
            buffered = payload
        } else {
            var payload = payload
            buffered.writeBuffer(&payload)
        }
        if let waiter = readWaiter {
            readWaiter = nil
            waiter.promise.succeed(takeBuffered(consuming: waiter.consuming))
        }
    }

    func deliverEOF() {
        remoteClosed = true
        if let waiter = readWaiter {
            readWaiter = nil
            waiter.promise.succeed(nil)
        }
    }

    func deliverReset() {
        isReset = true
        readWaiter?.promise.fail(YamuxError.streamReset)
        readWaiter = nil
        let writes = pendingWrites
        pendingWrites.removeAll()
        for (_, promise) in writes { promise.fail(YamuxError.streamReset) }
    }

    func pumpWrites() {
        while !pendingWrites.isEmpty, !isReset {
            var (bytes, promise) = pendingWrites[0]
            let frames: [YamuxFrame]
            do { frames = try session.machine.send(id, data: &bytes) } catch {
                pendingWrites.removeFirst()
                promise.fail(error)
                continue
            }
            let written = frames.isEmpty ? nil : session.send(frames)
            // Sending can re-enter (a failed write resets the session, which fails and clears every pending write).
            guard !isReset, !pendingWrites.isEmpty else { return }
            if bytes.readableBytes == 0 {
                pendingWrites.removeFirst()
                if let written { promise.completeWith(written) } else { promise.succeed(()) }
            } else {
                pendingWrites[0] = (bytes, promise)
                return  // wait for a window update
            }
        }
        if closeAfterWrites, pendingWrites.isEmpty, !isReset, let frame = session.machine.closeWrite(id) {
            session.send([frame])
            session.removeIfDone(id)
        }
    }
}
