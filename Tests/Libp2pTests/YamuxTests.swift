// SPDX-License-Identifier: Apache-2.0
import Libp2pYamux
import NIOCore
import NIOTestUtils
import Testing

@Suite struct YamuxTests {
    @Test func headerBytesMatchTheSpec() {
        var buffer = ByteBuffer()
        buffer.writeYamuxFrame(.data(1, ByteBuffer(bytes: [UInt8](repeating: 0, count: 36)), flags: .syn))
        #expect(Hex.encode(Array(buffer.readableBytesView.prefix(12))) == "000000010000000100000024")
        var update = ByteBuffer()
        update.writeYamuxFrame(.windowUpdate(2, delta: 0, flags: .ack))
        #expect(Hex.encode(Array(update.readableBytesView)) == "000100020000000200000000")
        var ping = ByteBuffer()
        ping.writeYamuxFrame(YamuxFrame(type: .ping, flags: .syn, streamID: 0, length: 7))
        #expect(Hex.encode(Array(ping.readableBytesView)) == "000200010000000000000007")
    }

    @Test func framesRoundTripThroughTheVerifier() throws {
        let frames: [YamuxFrame] = [
            .data(1, ByteBuffer(string: "hello"), flags: .syn),
            .data(3, ByteBuffer(), flags: .fin),
            .windowUpdate(2, delta: 1 << 20, flags: .ack),
            YamuxFrame(type: .ping, flags: .ack, streamID: 0, length: 99),
            YamuxFrame(type: .goAway, streamID: 0, length: 1),
        ]
        let pairs = frames.map { frame -> (ByteBuffer, [YamuxFrame]) in
            var buffer = ByteBuffer()
            buffer.writeYamuxFrame(frame)
            return (buffer, [frame])
        }
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) { YamuxFrameDecoder() }
    }

    @Test func decoderRejectsBadHeaders() {
        var version = ByteBuffer(bytes: [1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0])
        #expect(throws: YamuxError.unsupportedVersion(1)) { try version.readYamuxFrame(maxDataLength: 100) }
        var type = ByteBuffer(bytes: [0, 9, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0])
        #expect(throws: YamuxError.unknownFrameType(9)) { try type.readYamuxFrame(maxDataLength: 100) }
        var big = ByteBuffer(bytes: [0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0])
        #expect(throws: YamuxError.frameTooLarge(256)) { try big.readYamuxFrame(maxDataLength: 100) }
    }

    /// Delivers frames from one machine to the other, collecting events.
    static func deliver(_ frames: [YamuxFrame], to machine: inout YamuxSessionStateMachine, byteAtATime: Bool = false) throws -> [YamuxSessionEvent] {
        var wire = ByteBuffer()
        for frame in frames { wire.writeYamuxFrame(frame) }
        var events: [YamuxSessionEvent] = []
        var input = ByteBuffer()
        for byte in byteAtATime ? Array(wire.readableBytesView) : [] { input.writeInteger(byte); while let f = try input.readYamuxFrame(maxDataLength: 1 << 24) { events += machine.receive(f) } }
        if !byteAtATime { while let f = try wire.readYamuxFrame(maxDataLength: 1 << 24) { events += machine.receive(f) } }
        return events
    }

    static func sent(_ events: [YamuxSessionEvent]) -> [YamuxFrame] {
        events.compactMap { if case .send(let frame) = $0 { frame } else { nil } }
    }

    @Test(arguments: [false, true])
    func twoMachinesOpenTransferAndClose(byteAtATime: Bool) throws {
        var client = YamuxSessionStateMachine(isClient: true)
        var server = YamuxSessionStateMachine(isClient: false)
        let (id, syn) = try client.openStream()
        #expect(id == 1)
        var payload = ByteBuffer(string: String(repeating: "a", count: 100_000))
        let dataFrames = try client.send(id, data: &payload)
        #expect(payload.readableBytes == 0)
        let serverEvents = try Self.deliver([syn] + dataFrames, to: &server, byteAtATime: byteAtATime)
        #expect(serverEvents.contains(.streamOpened(1)))
        let received = serverEvents.reduce(0) { total, event in if case .data(1, let bytes) = event { total + bytes.readableBytes } else { total } }
        #expect(received == 100_000)
        let acks = Self.sent(serverEvents)
        #expect(acks.first?.flags == .ack)
        _ = try Self.deliver(acks, to: &client)
        // Half-close both ways removes the stream.
        let finFrame = client.closeWrite(id)
        let fin = try #require(finFrame)
        #expect(try Self.deliver([fin], to: &server).contains(.remoteClosed(1)))
        let serverFinFrame = server.closeWrite(id)
        let serverFin = try #require(serverFinFrame)
        #expect(try Self.deliver([serverFin], to: &client).contains(.remoteClosed(1)))
        #expect(client.streamCount == 0)
        #expect(server.streamCount == 0)
    }

    @Test func sendWindowLimitsAndUpdatesReopenIt() throws {
        var client = YamuxSessionStateMachine(isClient: true)
        var server = YamuxSessionStateMachine(isClient: false)
        let (id, syn) = try client.openStream()
        var payload = ByteBuffer(bytes: [UInt8](repeating: 1, count: 300 * 1024))
        let first = try client.send(id, data: &payload)
        #expect(first.reduce(0) { $0 + $1.payload.readableBytes } == 256 * 1024)
        #expect(payload.readableBytes == 44 * 1024)
        _ = try Self.deliver([syn] + first, to: &server)
        // The server application consumes; a window update follows once half is due.
        #expect(server.consumed(id, count: 64 * 1024) == nil)
        let updateFrame = server.consumed(id, count: 64 * 1024)
        let update = try #require(updateFrame)
        #expect(update.type == .windowUpdate && update.length == 128 * 1024)
        #expect(try Self.deliver([update], to: &client).contains(.windowOpened(id)))
        let rest = try client.send(id, data: &payload)
        #expect(rest.reduce(0) { $0 + $1.payload.readableBytes } == 44 * 1024)
    }

    @Test func peerMayGrowOurSendWindowTo16MiB() throws {
        var client = YamuxSessionStateMachine(isClient: true)
        let (id, _) = try client.openStream()
        _ = client.receive(.windowUpdate(id, delta: UInt32(16 * 1024 * 1024 - 256 * 1024), flags: .ack))
        #expect(client.sendWindow(of: id) == 16 * 1024 * 1024)
    }

    @Test func windowViolationResetsTheStreamOnly() throws {
        var server = YamuxSessionStateMachine(isClient: false)
        _ = server.receive(.windowUpdate(1, delta: 0, flags: .syn))
        _ = server.receive(.windowUpdate(3, delta: 0, flags: .syn))
        let events = server.receive(.data(1, ByteBuffer(bytes: [UInt8](repeating: 0, count: 256 * 1024 + 1))))
        #expect(events.contains(.streamReset(1)))
        #expect(Self.sent(events).first?.flags == .rst)
        #expect(server.isOpen(3))
        #expect(!server.goingAway)
    }

    @Test func pingsAreAnsweredAndProtocolErrorsAreFatal() {
        var server = YamuxSessionStateMachine(isClient: false)
        let reply = server.receive(YamuxFrame(type: .ping, flags: .syn, streamID: 0, length: 42))
        #expect(reply == [.send(YamuxFrame(type: .ping, flags: .ack, streamID: 0, length: 42))])
        var client = YamuxSessionStateMachine(isClient: true)
        let (value, ping) = client.ping()
        #expect(client.receive(YamuxFrame(type: .ping, flags: .ack, streamID: 0, length: ping.length)) == [.pong(value)])
        // A client opening an even (server-owned) stream id is a protocol violation.
        let bad = YamuxSessionStateMachine(isClient: true)
        var badCopy = bad
        let events = badCopy.receive(.windowUpdate(3, delta: 0, flags: .syn))
        #expect(events.contains { if case .fatal = $0 { true } else { false } })
        #expect(Self.sent(events).first?.type == .goAway)
        #expect(server.receive(YamuxFrame(type: .goAway, streamID: 0, length: 0)) == [.goAway(0)])
    }

    @Test func everyInboundStreamIsAcked() {
        var server = YamuxSessionStateMachine(isClient: false)
        for id in stride(from: UInt32(1), through: 41, by: 2) {
            let events = server.receive(.data(id, ByteBuffer(string: "x"), flags: .syn))
            #expect(Self.sent(events).first == .windowUpdate(id, delta: 0, flags: .ack))
        }
        #expect(server.streamCount == 21)
    }
}
