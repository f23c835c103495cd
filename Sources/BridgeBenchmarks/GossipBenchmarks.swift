// SPDX-License-Identifier: Apache-2.0
import Foundation
import Libp2pGossipsub
import Libp2pHost
import Logging
import Multiformats
import NIOCore
import Synchronization

/// Gossipsub throughput on loopback, one run: 1 KiB messages per second from one publisher
/// through a fully connected 3-node mesh (delivered to both other nodes: signed, verified,
/// validated, de-duplicated), against a baseline measured in the same run: the same number of
/// length-prefixed 1 KiB messages over one raw Noise+yamux stream between two hosts.
func runGossipBenchmarks(messages: Int = 5_000, payloadBytes: Int = 1_024) async throws {
    let baseline = try await GossipBenchmarks.rawStreamMessagesPerSecond(count: messages, payloadBytes: payloadBytes)
    let gossip = try await GossipBenchmarks.meshMessagesPerSecond(count: messages, payloadBytes: payloadBytes)
    print("gossipsub, \(messages) messages of \(payloadBytes) B on 127.0.0.1:")
    print(String(format: "  raw Noise+yamux stream (baseline): %9.0f msg/s", baseline))
    print(String(format: "  3-node mesh, delivered to both:    %9.0f msg/s", gossip))
    print(String(format: "  ratio gossip / baseline:           %9.3f", gossip / baseline))
}

enum GossipBenchmarks {
    static let topic = "bench.gossip"
    static let sinkProtocol = "/bridge-bench/gossip-baseline/1.0.0"
    /// Publications allowed ahead of the slowest receiver (keeps the per-peer queues from overflowing).
    static let window = 256

    static func rawStreamMessagesPerSecond(count: Int, payloadBytes: Int) async throws -> Double {
        let (sender, _) = try await P2PBenchmarks.makeHost()
        let (receiver, address) = try await P2PBenchmarks.makeHost()
        receiver.setStreamHandler(sinkProtocol) { stream in
            var received = 0
            while received < count, (try? await stream.readLengthPrefixed(maxLength: 1 << 20)) != nil { received += 1 }
            try? await stream.write(ByteBuffer(string: "\(received)"))
            await stream.closeWrite()
        }
        let peer = try await sender.connect(address)
        let stream = try await sender.newStream(to: peer, protocols: [sinkProtocol])
        let payload = ByteBuffer(repeating: 0x42, count: payloadBytes)
        let started = ContinuousClock.now
        for _ in 0..<count { try await stream.writeLengthPrefixed(payload) }
        await stream.closeWrite()
        let reply = try await stream.readAll(maxLength: 64)
        let elapsed = ContinuousClock.now - started
        guard Int(String(buffer: reply)) == count else { throw Libp2pHostError.unexpectedEOF }
        await sender.shutdown()
        await receiver.shutdown()
        return perSecond(count, elapsed)
    }

    static func meshMessagesPerSecond(count: Int, payloadBytes: Int) async throws -> Double {
        var hosts: [(Libp2pHost, Multiaddr)] = []
        var routers: [Gossipsub] = []
        var runs: [Task<Void, any Error>] = []
        var logger = Logger(label: "bridge.p2p.gossip")
        logger.logLevel = .error
        for _ in 0..<3 {
            let (host, address) = try await P2PBenchmarks.makeHost()
            let router = Gossipsub(host: host, parameters: .koinos, logger: logger)
            hosts.append((host, address))
            routers.append(router)
            runs.append(Task { try await router.run() })
        }
        let counts = DeliveryCounts()
        var consumers: [Task<Void, Never>] = []
        for (index, router) in routers.enumerated() where index > 0 {
            let inbox = await router.subscribe(topic)
            consumers.append(Task {
                for await _ in inbox {
                    if counts.increment(index) == count { break }
                }
            })
        }
        _ = await routers[0].subscribe(topic)
        _ = try await hosts[1].0.connect(hosts[0].1)
        _ = try await hosts[2].0.connect(hosts[0].1)
        _ = try await hosts[2].0.connect(hosts[1].1)
        for _ in 0..<200 where await routers[0].peers(subscribedTo: topic).count < 2 {
            try await Task.sleep(for: .milliseconds(25))
        }
        let payload = [UInt8](repeating: 0x42, count: payloadBytes)
        let started = ContinuousClock.now
        for published in 0..<count {
            while published - counts.slowest >= window { await Task.yield() }
            try await routers[0].publish(payload, to: topic)
        }
        for consumer in consumers { await consumer.value }
        let elapsed = ContinuousClock.now - started
        for run in runs { run.cancel() }
        for (host, _) in hosts { await host.shutdown() }
        return perSecond(count, elapsed)
    }

    static func perSecond(_ count: Int, _ elapsed: Duration) -> Double {
        let (seconds, attoseconds) = elapsed.components
        return Double(count) / (Double(seconds) + Double(attoseconds) / 1e18)
    }
}

/// Messages received by nodes 1 and 2.
final class DeliveryCounts: Sendable {
    private let counts = Mutex([0, 0, 0])

    func increment(_ index: Int) -> Int { counts.withLock { $0[index] += 1; return $0[index] } }

    var slowest: Int { counts.withLock { min($0[1], $0[2]) } }
}
