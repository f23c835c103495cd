// SPDX-License-Identifier: Apache-2.0
import BridgeAttestation
import BridgeCore
import BridgeGossip
import BridgeTesting
import BridgeSigning
import BridgeStore
import ChainCrypto

/// One in-process validator: its key, SQLite store, gossip endpoint and aggregator.
struct TestValidator {
    let name: String
    let peerID: String
    let signer: Secp256k1AttestationSigner
    let database: BridgeDatabase
    let endpoint: BridgeGossipEndpoint
    let aggregator: Aggregator
    let reobservation: RecordingReobservation

    var address: [UInt8] { signer.validatorAddress }
}

/// N validators on an `InMemoryBridgeNetwork` with one virtual clock.
struct ValidatorNetworkHarness {
    let clock = VirtualClock()
    let network = InMemoryBridgeNetwork()
    let keys: [Secp256k1.PrivateKey]
    let validatorSet: ValidatorSet
    var nodes: [TestValidator] = []
    let profile: ContractProfile
    /// The outflow governor every node runs (empty: none).
    let governor: GovernorPolicy
    /// Hold-and-verify: batch items reach the aggregator unrecovered (`BridgeGossipConfiguration.deferItemRecovery`).
    let deferItemRecovery: Bool
    /// The aggregators' verifier when `deferItemRecovery` (the real secp256k1 one unless a test wraps it).
    let aggregatorVerifier: any SignatureVerifier
    /// The aggregators' signer made from each node's key signer (the key signer itself unless a test wraps it).
    let aggregatorSigner: @Sendable (Secp256k1AttestationSigner) -> any AttestationSigner

    /// Deterministic keys 1…count; `honest` of them get a node, the rest are keys the test drives by hand.
    init(count: Int, honest: Int? = nil, profile: ContractProfile = .v1, databasePaths: [String?] = [],
         pool: AttestationPoolConfiguration = .init(), governor: GovernorPolicy = .init(tokens: [:]), deferItemRecovery: Bool = false,
         aggregatorVerifier: any SignatureVerifier = Secp256k1SignatureVerifier(),
         aggregatorSigner: @escaping @Sendable (Secp256k1AttestationSigner) -> any AttestationSigner = { $0 }) throws {
        self.profile = profile
        self.governor = governor
        self.deferItemRecovery = deferItemRecovery
        self.aggregatorVerifier = aggregatorVerifier
        self.aggregatorSigner = aggregatorSigner
        keys = try (1...count).map { i in try Secp256k1.PrivateKey(rawRepresentation: Array(repeating: 0, count: 31) + [UInt8(i)]) }
        validatorSet = ValidatorSet(keys.map { KoinosAddress(publicKey: $0.publicKey).bytes })
        for i in 0..<(honest ?? count) {
            let path = i < databasePaths.count ? databasePaths[i] : nil
            nodes.append(try makeNode(index: i, database: path.map { try BridgeDatabase(path: $0) } ?? BridgeDatabase(), pool: pool))
        }
    }

    func makeNode(index: Int, database: BridgeDatabase, pool: AttestationPoolConfiguration = .init()) throws -> TestValidator {
        let peerID = "peer-\(index)"
        let signer = Secp256k1AttestationSigner(key: keys[index])
        var configuration = AggregatorConfiguration()
        configuration.pool = pool
        let reobservation = RecordingReobservation()
        // The aggregator's settled set is created first so the endpoint can consult it.
        let transport = network.transport(for: peerID)
        let holder = SettledHolder()
        var gossip = BridgeGossipConfiguration()
        gossip.deferItemRecovery = deferItemRecovery
        let endpoint = BridgeGossipEndpoint(
            signer: signer, verifier: Secp256k1SignatureVerifier(), hashing: ChainHashing(), clock: clock,
            validators: validatorSet, transport: transport, configuration: gossip, settled: holder,
            attestationSource: { since, limit in (try? await SQLiteAttestationRepository(database).quorumAttestations(sinceMilliseconds: since, limit: limit)) ?? [] })
        let aggregator = Aggregator(
            repository: SQLiteAttestationRepository(database), signer: aggregatorSigner(signer), gossip: endpoint, clock: clock, validators: validatorSet,
            configuration: configuration, reobservation: reobservation, hashing: ChainHashing(),
            verifier: deferItemRecovery ? aggregatorVerifier : nil,
            governor: AggregatorGovernor(policy: governor, store: SQLiteGovernorRepository(database), hashing: ChainHashing()))
        holder.target = aggregator.settled
        network.attach(endpoint, as: peerID)
        return TestValidator(
            name: "v\(index)", peerID: peerID, signer: signer, database: database, endpoint: endpoint, aggregator: aggregator,
            reobservation: reobservation)
    }

    /// Every node announces its peer id; heartbeats are delivered.
    func exchangeHeartbeats() async {
        for node in nodes { await node.endpoint.publishHeartbeat(ethereumCursor: 100) }
        await pump()
    }

    /// Delivers queued messages and flushes aggregator outboxes until the network is quiet.
    @discardableResult
    func pump(maxRounds: Int = 50) async -> Int {
        var delivered = 0
        for _ in 0..<maxRounds {
            for node in nodes { await node.aggregator.flush() }
            guard network.queuedCount > 0 else { break }
            for node in nodes {
                for delivery in network.takeInbox(node.peerID) {
                    delivered += 1
                    guard let items = node.endpoint.receive(delivery.bytes, from: delivery.from).inbound else { continue }
                    for item in items { await node.aggregator.handle(item) }
                }
            }
        }
        return delivered
    }

    /// Advances the clock and runs every node's timers.
    func advance(milliseconds: UInt64) async {
        clock.advance(milliseconds: milliseconds)
        for node in nodes { await node.aggregator.tick() }
    }
}

/// Lets the endpoint see the aggregator's settled set although the aggregator is built after it.
final class SettledHolder: SettledDigestLookup, @unchecked Sendable {
    // Written once during set-up, before any message flows.
    var target: SettledDigests?
    func isSettled(_ digest: [UInt8], validator: [UInt8]) -> Bool { target?.isSettled(digest, validator: validator) ?? false }
}
