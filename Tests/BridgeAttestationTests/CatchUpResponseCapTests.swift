// SPDX-License-Identifier: Apache-2.0
import BridgeGossip
import Foundation
import Libp2pGossipsub
import Libp2pHost
import Logging
import Multiformats
import NIOCore
import Synchronization
import Testing

/// H2, asking side, on the real stack (TCP on 127.0.0.1, Noise, yamux): a lying responder that
/// streams 512 KiB messages without end cannot make the asker keep more than its byte cap.
@Suite(.serialized) struct CatchUpResponseCapTests {
    static func host() async throws -> (Libp2pHost, Gossipsub, Multiaddr, Task<Void, Never>) {
        let key = Libp2pPrivateKey.generate(.ed25519)
        let host = Libp2pHost(
            privateKey: key, configuration: Libp2pHostConfiguration(listenAddresses: [try Multiaddr("/ip4/127.0.0.1/tcp/0")]),
            logger: Logger(label: "bridge.p2p"))
        let bound = try await host.start()
        let gossipsub = Gossipsub(host: host, logger: Logger(label: "bridge.p2p.gossip"))
        let run = Task { _ = try? await gossipsub.run() }
        return (host, gossipsub, bound[0].appending(.p2p(key.peerID)), run)
    }

    @Test(.timeLimit(.minutes(1)))
    func aLyingResponderCannotMakeTheAskerKeepMoreThanItsCap() async throws {
        let (liar, liarGossip, liarAddress, liarRun) = try await Self.host()
        let (asker, askerGossip, _, askerRun) = try await Self.host()
        defer {
            liarRun.cancel()
            askerRun.cancel()
            Task { await liar.shutdown(); await asker.shutdown() }
        }
        let message = ByteBuffer(bytes: [UInt8](repeating: 0x0a, count: 500 * 1024))
        let written = WrittenMessages()
        let flood = ProtocolPlugin.StreamProtocol(BridgeGossipConfiguration.streamProtocol) { stream in
            _ = try? await stream.readLengthPrefixed(maxLength: 1024)
            for _ in 0..<400 {
                do { try await stream.writeLengthPrefixed(message) } catch { return }
                written.increment()
            }
            await stream.closeWrite()
        }
        try await liarGossip.register(ProtocolPlugin(name: "liar", streamProtocols: [flood]))
        _ = try await asker.connect(liarAddress)
        let transport = Libp2pBridgeTransport(gossipsub: askerGossip, requestTimeout: .seconds(30))
        let cap = 4 * 1024 * 1024
        let answer = await transport.request([1, 2, 3], to: liar.peerID.description, maxBytes: cap)
        let kept = try #require(answer)
        let bytes = kept.reduce(0) { $0 + $1.count }
        #expect(bytes <= cap)
        #expect(kept.count == cap / (500 * 1024), "what fitted is kept")
        // The stream was reset: the liar could not push its 200 MB (yamux windows bound what it
        // wrote beyond what we read).
        try await Task.sleep(for: .milliseconds(300))  // time for writes that must not happen
        #expect(written.value < 100, "the liar wrote \(written.value) of its 400 messages")
    }
}

/// Messages the lying responder managed to write.
final class WrittenMessages: Sendable {
    private let count = Mutex(0)
    func increment() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
