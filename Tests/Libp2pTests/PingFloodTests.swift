// SPDX-License-Identifier: Apache-2.0
import Libp2pHost
import Libp2pYamux
import Multiformats
import NIOCore
import Synchronization
import Testing

/// Issue 19 H1 over real loopback sockets: a stranger opens ping streams and keeps sending pings
/// without reading the echoes. Before the fix the ping responder re-granted window for bytes it had
/// already granted, so the stranger could send without limit and the host buffered it all.
/// Bytes each flooding stream managed to send.
final class SentBytes: Sendable {
    let counts: Mutex<[Int]>
    init(_ streams: Int) { counts = Mutex([Int](repeating: 0, count: streams)) }
}

@Suite(.serialized) struct PingFloodTests {
    /// Floods `streams` ping streams from `attacker` to `target` until every stream stalls (no byte
    /// accepted for one second), is reset, or sent `stopAt` bytes; returns the bytes each one sent.
    static func flood(from attacker: Libp2pHost, to target: PeerID, streams: Int, stopAt: Int) async throws -> [Int] {
        let sent = SentBytes(streams)
        let opened = try await withThrowingTaskGroup(of: Libp2pStream.self) { group in
            for _ in 0..<streams {
                group.addTask { try await attacker.newStream(to: target, protocols: [Libp2pProtocols.ping]) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let chunk = ByteBuffer(repeating: 0x42, count: 16 * 1024)  // 512 pings
        await withTaskGroup(of: Void.self) { group in
            for (index, stream) in opened.enumerated() {
                group.addTask {
                    while sent.counts.withLock({ $0[index] }) < stopAt, !Task.isCancelled {
                        do { try await stream.write(chunk) } catch { return }
                        sent.counts.withLock { $0[index] += chunk.readableBytes }
                    }
                }
            }
            var last = -1
            var quietTicks = 0
            for _ in 0..<80 {  // at most 20 s
                try? await Task.sleep(for: .milliseconds(250))  // progress sampled: the test
                let counts = sent.counts.withLock { $0 }
                let total = counts.reduce(0, +)
                if counts.allSatisfy({ $0 >= stopAt }) { break }
                quietTicks = total == last ? quietTicks + 1 : 0
                if quietTicks >= 4 { break }
                last = total
            }
            group.cancelAll()
        }
        for stream in opened { await stream.reset() }
        return sent.counts.withLock { $0 }
    }

    @Test func pingStreamsCannotBeFedPastTheirWindow() async throws {
        let (target, address) = try await HostFixtures.makeHost(.ed25519)
        let (attacker, _) = try await HostFixtures.makeHost(.ed25519)
        let peer = try await attacker.connect(address)
        let window = YamuxConfiguration.initialWindow
        let sent = try await Self.flood(from: attacker, to: peer, streams: 4, stopAt: 4 * 1024 * 1024)
        // One window in flight plus one window of pings answered (the echoes fill our unread window).
        for bytes in sent { #expect(bytes <= 2 * window + 16 * 1024, "a ping stream accepted \(bytes) bytes") }
        #expect(await target.bufferedBytes(from: attacker.peerID) <= 4 * window)
        // The host still answers pings on a fresh stream.
        #expect(try await attacker.ping(peer).count == 1)
        await attacker.shutdown()
        await target.shutdown()
    }

    @Test func manyPingStreamsStayWithinTheSessionBufferCap() async throws {
        let (target, address) = try await HostFixtures.makeHost(.ed25519)
        let (attacker, _) = try await HostFixtures.makeHost(.ed25519)
        let peer = try await attacker.connect(address)
        let cap = YamuxConfiguration().maxBufferedBytes
        let sent = try await Self.flood(from: attacker, to: peer, streams: 32, stopAt: 4 * 1024 * 1024)
        let buffered = await target.bufferedBytes(from: attacker.peerID)
        #expect(buffered <= cap, "the host holds \(buffered) unconsumed bytes from one peer")
        // Each stream: one window in flight plus at most one window granted back.
        #expect(sent.reduce(0, +) <= 32 * (2 * YamuxConfiguration.initialWindow + 16 * 1024))
        await attacker.shutdown()
        await target.shutdown()
    }

    /// Granting window only for consumed bytes must not stall a message larger than one window:
    /// once its length prefix is accepted, the reader grants the whole message.
    @Test func framedReaderCompletesAMessageLargerThanTheWindow() async throws {
        let (target, address) = try await HostFixtures.makeHost(.ed25519)
        let (sender, _) = try await HostFixtures.makeHost(.ed25519)
        let protocolID = "/bridge-test/large/1.0.0"
        target.setStreamHandler(protocolID) { stream in
            while let message = try? await stream.readLengthPrefixed(maxLength: 2 * 1024 * 1024) {
                try? await stream.writeLengthPrefixed(ByteBuffer(string: "\(message.readableBytes)"))
            }
            await stream.closeWrite()
        }
        let peer = try await sender.connect(address)
        let stream = try await sender.newStream(to: peer, protocols: [protocolID])
        for size in [5, 1024 * 1024 + 3, 300_000] {
            try await stream.writeLengthPrefixed(HostFixtures.payload(size))
            let reply = try #require(try await stream.readLengthPrefixed(maxLength: 64))
            #expect(String(buffer: reply) == "\(size)")
        }
        await stream.closeWrite()
        #expect(try await stream.readLengthPrefixed(maxLength: 64) == nil)
        #expect(await target.bufferedBytes(from: sender.peerID) == 0)
        await sender.shutdown()
        await target.shutdown()
    }
}
