// SPDX-License-Identifier: Apache-2.0
import BridgeAttestation
import BridgeCore
import BridgeGossip
import BridgeSigning
import BridgeStore
import ChainCrypto
import Foundation
import Libp2pGossipsub
import Libp2pHost
import Logging
import Multiformats
import Synchronization

/// Quorum latency of 3 validators on the real libp2p stack over loopback (TCP, Noise, yamux,
/// gossipsub, SQLite in memory), quiet, then while 128 hostile peers try to hold connections to
/// validator 0 and the other two reconnect to it as a restarted validator's peers would (issue
/// 19 H4). Goal: hostile ≤ 1.2 × quiet, both measured in this run.
func runQuorumUnderConnectionsBenchmark(rounds: Int, hostile hostileCount: Int = 128) async throws -> Bool {
    let keys = try (1...3).map { try Secp256k1.PrivateKey(rawRepresentation: Array(repeating: 0, count: 31) + [UInt8(40 + $0)]) }
    let set = ValidatorSet(keys.map { KoinosAddress(publicKey: $0.publicKey).bytes })
    var nodes: [FloodBenchValidator] = []
    for key in keys { nodes.append(try await FloodBenchValidator.start(key: key, set: set)) }
    let reserved = Set(nodes.map(\.host.peerID))
    for node in nodes { node.host.setReservedPeers(reserved) }
    _ = try await nodes[1].host.connect(nodes[0].address)
    _ = try await nodes[2].host.connect(nodes[0].address)
    _ = try await nodes[2].host.connect(nodes[1].address)
    try await bindHeartbeats(nodes, keys: keys)
    try await Task.sleep(for: .seconds(3))  // gossipsub heartbeats graft the mesh
    var batch = 0
    _ = try await quorumLatency(nodes, batch: batch)  // warm-up, not counted
    batch += 1
    var quiet: [Duration] = []
    for _ in 0..<rounds {
        quiet.append(try await quorumLatency(nodes, batch: batch))
        batch += 1
    }

    // Validator 0 loses its validator connections (a restart), strangers fill its table, the
    // validators dial it again.
    for peer in [nodes[1].host.peerID, nodes[2].host.peerID] { await nodes[0].host.disconnect(peer) }
    var hostile: [Libp2pHost] = []
    var refused = 0
    for _ in 0..<hostileCount {
        let host = try await FloodBenchValidator.makeHost(maxPerIP: 8)
        hostile.append(host)
        if (try? await host.connect(nodes[0].address)) == nil { refused += 1 }
    }
    try await Task.sleep(for: .milliseconds(500))
    let held = nodes[0].host.connectionCounts().connections
    var reconnected = true
    for node in nodes.dropFirst() where (try? await node.host.connect(nodes[0].address)) == nil { reconnected = false }
    try await Task.sleep(for: .seconds(3))  // gossipsub heartbeats graft the mesh again
    _ = try await quorumLatency(nodes, batch: batch)  // warm-up, not counted
    batch += 1
    var underFlood: [Duration] = []
    for _ in 0..<rounds {
        underFlood.append(try await quorumLatency(nodes, batch: batch))
        batch += 1
    }
    let connectedValidators = await nodes[0].host.connectedPeers().filter(reserved.contains).count
    for host in hostile { await host.shutdown() }
    for node in nodes { await node.stop() }

    let quietMedian = median(quiet), floodMedian = median(underFlood)
    let ratio = floodMedian.milliseconds / max(quietMedian.milliseconds, 0.001)
    print("quorum-connections: 3 validators over loopback libp2p, 20 locks per round, \(rounds) rounds each")
    print("  quiet quorum latency (median): \(String(format: "%.0f", quietMedian.milliseconds)) ms")
    print("  \(hostileCount) hostile peers dialled validator 0: \(held) connections held there after them (\(refused) dials failed outright), validators reconnected: \(reconnected), validator peers connected: \(connectedValidators)")
    print("  quorum latency while they are held (median): \(String(format: "%.0f", floodMedian.milliseconds)) ms")
    print(String(format: "  ratio %.2f× (goal ≤ 1.2×)", ratio))
    return reconnected && ratio <= 1.2
}

/// Inserts 20 fresh locks on every validator; the time until validator 0 has them all at quorum.
private func quorumLatency(_ nodes: [FloodBenchValidator], batch: Int) async throws -> Duration {
    let fixtures = (0..<20).map { benchObservation(50_000 + batch * 20 + $0) }
    let target = (batch + 1) * fixtures.count
    let start = ContinuousClock.now
    for node in nodes { try await node.database.insertObservationFixtures(fixtures, atMilliseconds: SystemBridgeClock().nowMilliseconds) }
    while ContinuousClock.now - start < .seconds(60) {
        for node in nodes { await node.aggregator.step() }
        if try await nodes[0].database.observationCount(status: .quorum) >= target { return ContinuousClock.now - start }
        try await Task.sleep(for: .milliseconds(10))
    }
    throw Libp2pHostError.timeout("quorum within 60 s")
}

private func bindHeartbeats(_ nodes: [FloodBenchValidator], keys: [Secp256k1.PrivateKey]) async throws {
    let addresses = keys.map { KoinosAddress(publicKey: $0.publicKey).bytes }
    for _ in 0..<100 {
        for node in nodes { await node.endpoint.publishHeartbeat(ethereumCursor: 1) }
        if nodes.allSatisfy({ node in addresses.filter { node.endpoint.boundPeer(of: $0) != nil }.count >= 2 }) { return }
        try await Task.sleep(for: .milliseconds(200))
    }
    throw Libp2pHostError.timeout("heartbeat binding")
}

private func median(_ values: [Duration]) -> Duration {
    let sorted = values.sorted()
    return sorted.isEmpty ? .zero : sorted[sorted.count / 2]
}

private extension Duration {
    var milliseconds: Double { Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15 }
}

/// One validator on the real libp2p stack in this process.
private struct FloodBenchValidator {
    let host: Libp2pHost
    let endpoint: BridgeGossipEndpoint
    let aggregator: Aggregator
    let database: BridgeDatabase
    let address: Multiaddr
    let tasks: [Task<Void, Never>]

    /// `maxPerIP` is raised on the validators: the hostile peers all dial from 127.0.0.1 here and
    /// stand for peers on many addresses (the per-IP limit alone would keep all but 8 out).
    static func makeHost(maxPerIP: Int = 1_000) async throws -> Libp2pHost {
        var configuration = Libp2pHostConfiguration(listenAddresses: [try Multiaddr("/ip4/127.0.0.1/tcp/0")])
        configuration.limits.maxPerIP = maxPerIP
        var logger = Logger(label: "bridge.p2p.bench")
        logger.logLevel = .error
        let host = Libp2pHost(privateKey: .generate(.ed25519), configuration: configuration, logger: logger)
        _ = try await host.start()
        return host
    }

    static func start(key: Secp256k1.PrivateKey, set: ValidatorSet) async throws -> FloodBenchValidator {
        let host = try await makeHost()
        guard let bound = await host.listenAddresses().first else { throw Libp2pHostError.notRunning }
        let address = bound.appending(.p2p(host.peerID))
        var logger = Logger(label: "bridge.p2p.gossip")
        logger.logLevel = .error
        let gossipsub = Gossipsub(host: host, logger: logger)
        let database = try BridgeDatabase()
        let signer = Secp256k1AttestationSigner(key: key)
        let transport = Libp2pBridgeTransport(gossipsub: gossipsub)
        let settled = LateSettled()
        let endpoint = BridgeGossipEndpoint(
            signer: signer, verifier: Secp256k1SignatureVerifier(), hashing: ChainHashing(), clock: SystemBridgeClock(),
            validators: set, transport: transport, settled: settled,
            attestationSource: { since, limit in (try? await SQLiteAttestationRepository(database).quorumAttestations(sinceMilliseconds: since, limit: limit)) ?? [] })
        let aggregator = Aggregator(
            repository: SQLiteAttestationRepository(database), signer: signer, gossip: endpoint, clock: SystemBridgeClock(), validators: set, hashing: ChainHashing())
        settled.target.withLock { $0 = aggregator.settled }
        try await transport.register(endpoint)
        let inbound = endpoint.inboundMessages()
        let run = Task { _ = try? await gossipsub.run() }
        let consume = Task { for await message in inbound { await aggregator.handle(message) } }
        return FloodBenchValidator(
            host: host, endpoint: endpoint, aggregator: aggregator, database: database, address: address, tasks: [run, consume])
    }

    func stop() async {
        for task in tasks { task.cancel() }
        await host.shutdown()
    }
}
