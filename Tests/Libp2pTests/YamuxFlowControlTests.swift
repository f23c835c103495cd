// SPDX-License-Identifier: Apache-2.0
@testable import Libp2pHost
import Libp2pYamux
import NIOCore
import Testing

/// Issue 19 H1: the receive window is granted back only for bytes the application consumed, once;
/// a session holds at most `maxBufferedBytes` unconsumed; no input makes the machine trap.
@Suite struct YamuxFlowControlTests {
    static let window = YamuxConfiguration.initialWindow

    /// A server machine with stream 1 opened by the peer and `count` bytes received on it.
    static func serverWithData(_ count: Int, configuration: YamuxConfiguration = YamuxConfiguration()) -> YamuxSessionStateMachine {
        var server = YamuxSessionStateMachine(isClient: false, configuration: configuration)
        _ = server.receive(.windowUpdate(1, delta: 0, flags: .syn))
        _ = server.receive(.data(1, ByteBuffer(repeating: 7, count: count)))
        return server
    }

    @Test func eachByteIsGrantedOnce() throws {
        var server = Self.serverWithData(Self.window)
        #expect(server.bufferedBytes(of: 1) == Self.window)
        let updateResult = server.consumed(1, count: Self.window)
        let update = try #require(updateResult)
        #expect(update.length == UInt32(Self.window))
        // The old stream re-credited bytes that were read, put back and read again.
        #expect(server.consumed(1, count: Self.window) == nil)
        #expect(server.consumed(1, count: Self.window) == nil)
        // So the peer may send exactly one more window, not one byte past it.
        let events = server.receive(.data(1, ByteBuffer(repeating: 7, count: Self.window)))
        #expect(events.contains(.data(1, ByteBuffer(repeating: 7, count: Self.window))))
        let past = server.receive(.data(1, ByteBuffer(repeating: 7, count: 1)))
        #expect(past.contains(.streamReset(1)))
        #expect(YamuxTests.sent(past).first?.flags == .rst)
        #expect(!server.goingAway)
    }

    @Test func hugeConsumedCountsNeverTrapAndNeverOverGrant() throws {
        var server = Self.serverWithData(1000)
        #expect(server.consumed(1, count: Int.max) == nil)  // 1000 bytes credited: below half a window
        _ = server.receive(.data(1, ByteBuffer(repeating: 7, count: Self.window - 1000)))
        let updateResult = server.consumed(1, count: 5 << 30)
        let update = try #require(updateResult)  // a 5 GiB count would trap at UInt32(delta)
        #expect(update.length == UInt32(Self.window))
        #expect(server.bufferedBytes == 0)
    }

    @Test func sessionBufferCapResetsTheStreamThatCrossesIt() {
        var configuration = YamuxConfiguration()
        configuration.maxBufferedBytes = 1024 * 1024
        var server = YamuxSessionStateMachine(isClient: false, configuration: configuration)
        var resets: [UInt32] = []
        for id in stride(from: UInt32(1), through: 11, by: 2) {
            let events = server.receive(.data(id, ByteBuffer(repeating: 1, count: Self.window), flags: .syn))
            if events.contains(.streamReset(id)) { resets.append(id) }
        }
        // Four full windows fit in 1 MiB; the fifth and sixth stream are reset, the session lives on.
        #expect(resets == [9, 11])
        #expect(server.bufferedBytes == 1024 * 1024)
        #expect(!server.goingAway)
        // Consuming frees room for new data.
        _ = server.consumed(1, count: Self.window)
        let events = server.receive(.data(13, ByteBuffer(repeating: 1, count: Self.window), flags: .syn))
        #expect(!events.contains(.streamReset(13)))
        #expect(server.bufferedBytes == 1024 * 1024)
    }

    @Test func resetAndClosedStreamsReleaseTheirBufferedBytes() throws {
        var server = Self.serverWithData(1000)
        _ = server.receive(.data(3, ByteBuffer(repeating: 1, count: 500), flags: .syn))
        #expect(server.bufferedBytes == 1500)
        _ = server.receive(.windowUpdate(1, delta: 0, flags: .rst))
        #expect(server.bufferedBytes == 500)
        _ = server.reset(3)
        #expect(server.bufferedBytes == 0)
    }

    @Test func windowOverflowFromThePeerIsAProtocolErrorNotATrap() throws {
        var client = YamuxSessionStateMachine(isClient: true)
        let (id, _) = try client.openStream()
        let events = client.receive(.windowUpdate(id, delta: UInt32.max, flags: .ack))
        #expect(events.contains { if case .fatal = $0 { true } else { false } })
        #expect(YamuxTests.sent(events).first?.type == .goAway)
    }

    // MARK: framed reader buffer

    @Test func framedBufferGrantsEachByteOnce() throws {
        var buffer = FramedReadBuffer()
        var chunk = ByteBuffer(repeating: 9, count: 100)
        buffer.append(&chunk)
        let firstResult = buffer.take(32)
        let first = try #require(firstResult)
        #expect(first.0.readableBytes == 32 && first.due == 32)
        #expect(buffer.grant(upTo: 50) == 50)
        #expect(buffer.grant(upTo: 50) == 0)  // already granted
        let secondResult = buffer.take(60)
        let second = try #require(secondResult)
        #expect(second.due == 10)  // 50 granted ahead, 10 not yet
        #expect(buffer.take(9) == nil)  // only 8 left
        #expect(buffer.takeAll().due == 8)
        #expect(buffer.readableBytes == 0)
    }

    @Test func framedBufferLeftoverFromNegotiationIsAlreadyGranted() throws {
        var buffer = FramedReadBuffer(bytes: ByteBuffer(repeating: 1, count: 40), granted: 40)
        let takenResult = buffer.take(32)
        let taken = try #require(takenResult)
        #expect(taken.due == 0)
        #expect(buffer.takeAll().due == 0)
    }

    @Test func framedBufferLengthPrefix() {
        var buffer = FramedReadBuffer()
        #expect(buffer.lengthPrefix(maxLength: 10) == .incomplete)
        var prefix = ByteBuffer(bytes: [0x80])
        buffer.append(&prefix)
        #expect(buffer.lengthPrefix(maxLength: 1000) == .incomplete)
        var rest = ByteBuffer(bytes: [0x01])  // 128
        buffer.append(&rest)
        #expect(buffer.lengthPrefix(maxLength: 1000) == .complete(headerLength: 2, length: 128))
        #expect(buffer.lengthPrefix(maxLength: 100) == .tooLarge(128))
    }
}
