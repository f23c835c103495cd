// SPDX-License-Identifier: Apache-2.0
import Foundation
import Libp2pGossipsub
import Libp2pHost
import Logging
import Multiformats
import NIOCore

/// Issue 19 floods: a target host (with gossipsub) runs in this process; the attacker is this same
/// executable started again as a child (`p2p-flood-attack-<name> --target <addr>`), so the target's
/// resident memory is measured alone. Prints the RSS when idle, the peak while flooded and at the
/// end, and the ratio end / idle (goal ≤ 1.5).
enum P2PFlood: String, CaseIterable, Sendable {
    /// 500 ping streams sending pings without reading the echoes (yamux window granted twice).
    case h1
    /// SUBSCRIBE and PRUNE for ever new topic names (router tables keyed by peer-chosen names).
    case m1
    /// Meshsub stream after meshsub stream, each holding most of a 1 MiB frame (one decoder each).
    case m2

    static let topic = "bench.flood"
}

func runP2PFloodBenchmark(_ flood: P2PFlood, seconds: Int) async throws -> Bool {
    var logger = Logger(label: "bridge.p2p.bench")
    logger.logLevel = .critical
    let (host, address) = try await P2PBenchmarks.makeHost(maxConnections: 16)
    let gossipsub = Gossipsub(host: host, parameters: .koinos, logger: logger)
    let running = Task { try await gossipsub.run() }
    let inbox = await gossipsub.subscribe(P2PFlood.topic)
    let draining = Task { for await _ in inbox {} }
    try await Task.sleep(for: .seconds(2))
    let idle = P2PBenchmarks.residentBytes()

    let attacker = Process()
    attacker.executableURL = URL(fileURLWithPath: "/proc/self/exe")
    attacker.arguments = ["p2p-flood-attack-\(flood.rawValue)", "--target", address.description, "--seconds", "\(seconds)"]
    try attacker.run()
    defer { ChildProcessStop.stop(attacker) }  // also on an error path
    var peak = idle
    let deadline = ContinuousClock.now + .seconds(seconds + 15)
    let started = ContinuousClock.now
    while attacker.isRunning, ContinuousClock.now < deadline {
        try await Task.sleep(for: .milliseconds(500))
        peak = max(peak, P2PBenchmarks.residentBytes())
        // A safety stop for runs against unfixed code: the machine is shared.
        if peak > 2 << 30 {
            attacker.terminate()
            print("  stopped after \(ContinuousClock.now - started): target RSS past 2 GiB")
        }
    }
    // SIGTERM, a grace period, then SIGKILL: the attacker never outlives the bench.
    ChildProcessStop.stop(attacker)
    let end = P2PBenchmarks.residentBytes()
    let ratio = Double(end) / Double(max(1, idle))
    print("p2p flood \(flood.rawValue), \(seconds) s from one attacker process over 127.0.0.1:")
    print(String(format: "  target RSS idle %7.1f MiB, peak %7.1f MiB, end %7.1f MiB", mebibytes(idle), mebibytes(peak), mebibytes(end)))
    print(String(format: "  ratio end / idle %.2f, peak / idle %.2f (goal <= 1.5)", ratio, Double(peak) / Double(max(1, idle))))
    draining.cancel()
    running.cancel()
    await host.shutdown()
    return ratio <= 1.5
}

private func mebibytes(_ bytes: Int) -> Double { Double(bytes) / 1_048_576 }

/// The attacker side: connects to `target` and floods for `seconds`, then exits.
func runP2PFloodAttack(_ flood: P2PFlood, target: Multiaddr, seconds: Int) async throws {
    let (attacker, _) = try await P2PBenchmarks.makeHost()
    // Accept (and drain) the target's meshsub stream: without it the target forgets the peer.
    attacker.setStreamHandler(GossipsubProtocol.meshsub11.rawValue) { stream in
        while (try? await stream.read()) != nil {}
    }
    let peer = try await attacker.connect(target)
    let deadline = ContinuousClock.now + .seconds(seconds)
    let attack = Task {
        switch flood {
        case .h1: await P2PFloodAttacks.pingStreams(attacker, peer, until: deadline)
        case .m1: await P2PFloodAttacks.topicNames(attacker, peer, until: deadline)
        case .m2: await P2PFloodAttacks.meshsubStreams(attacker, peer, until: deadline)
        }
    }
    try? await Task.sleep(until: deadline)
    attack.cancel()
}

enum P2PFloodAttacks {
    static func pingStreams(_ attacker: Libp2pHost, _ peer: PeerID, until deadline: ContinuousClock.Instant) async {
        let pings = ByteBuffer(repeating: 0x42, count: 16 * 1024)
        await withDiscardingTaskGroup { group in
            for _ in 0..<500 {
                group.addTask {
                    guard let stream = try? await attacker.newStream(to: peer, protocols: [Libp2pProtocols.ping]) else { return }
                    while ContinuousClock.now < deadline, !Task.isCancelled {
                        do { try await stream.write(pings) } catch { return }
                    }
                }
            }
        }
    }

    static func topicNames(_ attacker: Libp2pHost, _ peer: PeerID, until deadline: ContinuousClock.Instant) async {
        guard let stream = try? await attacker.newStream(to: peer, protocols: [GossipsubProtocol.meshsub11.rawValue]) else { return }
        var round = 0
        while ContinuousClock.now < deadline, !Task.isCancelled {
            let names = (0..<1_000).map { "flood-\(round)-\($0)-" + String(repeating: "x", count: 40) }
            let rpc = GossipsubRPC(
                subscriptions: names.map { .init(subscribe: true, topic: $0) },
                control: ControlMessage(prune: names.map { .init(topic: $0, backoffSeconds: 86_400) }))
            do { try await stream.write(ByteBuffer(bytes: rpc.lengthPrefixedEncoded)) } catch { return }
            round += 1
        }
    }

    static func meshsubStreams(_ attacker: Libp2pHost, _ peer: PeerID, until deadline: ContinuousClock.Instant) async {
        // uvarint 1 MiB, then all of the frame but its last byte: each stream leaves a decoder full.
        let partial = ByteBuffer(bytes: [0x80, 0x80, 0x40] + [UInt8](repeating: 0, count: 1_048_575))
        await withDiscardingTaskGroup { group in
            for _ in 0..<64 {
                group.addTask {
                    while ContinuousClock.now < deadline, !Task.isCancelled {
                        guard let stream = try? await attacker.newStream(to: peer, protocols: [GossipsubProtocol.meshsub11.rawValue]) else { return }
                        try? await stream.write(partial)
                        // Keep the stream open (its decoder full) while opening the next one.
                        try? await Task.sleep(for: .milliseconds(200))
                    }
                }
            }
        }
    }
}
