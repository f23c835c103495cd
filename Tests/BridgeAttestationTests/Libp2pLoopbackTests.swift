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
import Testing
import ProcessTestSupport

/// One validator on the real libp2p stack in this process: TCP on 127.0.0.1, Noise, yamux, gossipsub.
struct LoopbackValidator {
    let host: Libp2pHost
    let gossipsub: Gossipsub
    let endpoint: BridgeGossipEndpoint
    let aggregator: Aggregator
    let database: BridgeDatabase
    let address: Multiaddr
    let tasks: [Task<Void, Never>]

    static func start(key: Secp256k1.PrivateKey, set: ValidatorSet) async throws -> LoopbackValidator {
        let hostKey = Libp2pPrivateKey.generate(.ed25519)
        let host = Libp2pHost(
            privateKey: hostKey, configuration: Libp2pHostConfiguration(listenAddresses: [try Multiaddr("/ip4/127.0.0.1/tcp/0")]),
            logger: Logger(label: "bridge.p2p"))
        let bound = try await host.start()
        let gossipsub = Gossipsub(host: host, logger: Logger(label: "bridge.p2p.gossip"))
        let database = try BridgeDatabase()
        let signer = Secp256k1AttestationSigner(key: key)
        let transport = Libp2pBridgeTransport(gossipsub: gossipsub)
        let settled = SettledHolder()
        let endpoint = BridgeGossipEndpoint(
            signer: signer, verifier: Secp256k1SignatureVerifier(), hashing: ChainHashing(), clock: SystemBridgeClock(),
            validators: set, transport: transport, settled: settled,
            attestationSource: { since, limit in (try? await SQLiteAttestationRepository(database).quorumAttestations(sinceMilliseconds: since, limit: limit)) ?? [] })
        let aggregator = Aggregator(
            repository: SQLiteAttestationRepository(database), signer: signer, gossip: endpoint, clock: SystemBridgeClock(), validators: set, hashing: ChainHashing())
        settled.target = aggregator.settled
        try await transport.register(endpoint)
        let inbound = endpoint.inboundMessages()
        let run = Task { _ = try? await gossipsub.run() }
        let consume = Task { for await message in inbound { await aggregator.handle(message) } }
        return LoopbackValidator(
            host: host, gossipsub: gossipsub, endpoint: endpoint, aggregator: aggregator, database: database,
            address: bound[0].appending(.p2p(hostKey.peerID)), tasks: [run, consume])
    }

    func stop() async {
        for task in tasks { task.cancel() }
        await host.shutdown()
    }
}

@Suite(.serialized) struct Libp2pLoopbackTests {
    @Test(.timeLimit(.minutes(1)))
    func fourValidatorsReachQuorumOverGossipsubAndALateOneCatchesUpOverTheStreamProtocol() async throws {
        let keys = try (1...4).map { try Secp256k1.PrivateKey(rawRepresentation: Array(repeating: 0, count: 31) + [UInt8(10 + $0)]) }
        let set = ValidatorSet(keys.map { KoinosAddress(publicKey: $0.publicKey).bytes })
        var nodes: [LoopbackValidator] = []
        for key in keys.prefix(3) { nodes.append(try await LoopbackValidator.start(key: key, set: set)) }
        defer { Task { [nodes] in for node in nodes { await node.stop() } } }
        _ = try await nodes[1].host.connect(nodes[0].address)
        _ = try await nodes[2].host.connect(nodes[0].address)
        _ = try await nodes[2].host.connect(nodes[1].address)
        let bound = try await eventually {
            for node in nodes { await node.endpoint.publishHeartbeat(ethereumCursor: 1) }
            return nodes.allSatisfy { node in
                keys.prefix(3).map { KoinosAddress(publicKey: $0.publicKey).bytes }.filter { node.endpoint.boundPeer(of: $0) != nil }.count >= 2
            }
        }
        #expect(bound)
        let observations = (0..<5).map { ObservationFixtures.observation(200 + $0) }
        for node in nodes { try await node.database.insertObservationFixtures(observations, atMilliseconds: SystemBridgeClock().nowMilliseconds) }
        let quorum = try await eventually {
            for node in nodes { await node.aggregator.step() }
            for node in nodes where try await node.database.observationCount(status: .quorum) != observations.count { return false }
            return true
        }
        #expect(quorum)

        // The fourth validator starts late: it asks the others over /koinos/bridge/1.0.0.
        let late = try await LoopbackValidator.start(key: keys[3], set: set)
        defer { Task { await late.stop() } }
        _ = try await late.host.connect(nodes[0].address)
        // Catch-up is answered only for a validator bound to the asking peer by its heartbeat.
        let lateAddress = KoinosAddress(publicKey: keys[3].publicKey).bytes
        #expect(try await eventually {
            await late.endpoint.publishHeartbeat(ethereumCursor: 1)
            return nodes[0].endpoint.boundPeer(of: lateAddress) != nil
        })
        try await late.aggregator.restore()
        try await late.database.insertObservationFixtures(observations, atMilliseconds: SystemBridgeClock().nowMilliseconds)
        try await late.aggregator.signPending()
        #expect(try await late.database.observationCount(status: .quorum) == observations.count)
        for observation in observations {
            #expect(try await late.database.submissionSignatures(observationID: observation.id).count == 3)  // v1, N = 4
        }
    }
}
