// SPDX-License-Identifier: Apache-2.0
import BridgeAttestation
import BridgeCore
import BridgeGossip
import BridgeStore
import Foundation
import Testing
import BridgeTesting

/// A validator that was down restarts from its SQLite file and catches up over the stream protocol.
@Suite struct RestartTests {
    @Test func restartedValidatorReloadsItsStateAndFetchesMissedAttestations() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("agg-restart-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        var net = try ValidatorNetworkHarness(count: 7, databasePaths: [nil, nil, nil, nil, nil, nil, path])
        await net.exchangeHeartbeats()
        let first = ObservationFixtures.observation(100)
        let second = ObservationFixtures.observation(101)
        // Node 6 signs the first lock, then goes down before it hears anyone.
        let victim = net.nodes[6]
        try await victim.database.insertObservationFixtures([first], atMilliseconds: net.clock.nowMilliseconds)
        try await victim.aggregator.signPending()
        net.network.setIsolated("peer-6", true)
        for node in net.nodes.prefix(6) {
            try await node.database.insertObservationFixtures([first, second], atMilliseconds: net.clock.nowMilliseconds)
            try await node.aggregator.signPending()
        }
        await net.pump()
        #expect(try await net.nodes[0].database.attestationStatus(of: second.id) == .quorum)
        #expect(try await BridgeDatabase(path: path).attestationStatus(of: first.id) == .signing)

        // Restart: a new process opens the same file.
        net.clock.advance(milliseconds: 30_000)
        net.network.setIsolated("peer-6", false)
        _ = net.network.takeInbox("peer-6")
        net.nodes[6] = try net.makeNode(index: 6, database: BridgeDatabase(path: path))
        try await net.nodes[6].aggregator.restore()
        let restarted = net.nodes[6].database
        #expect(try await restarted.attestationStatus(of: first.id) == .quorum)
        // The second lock reaches its watcher later: the held signatures give quorum at once.
        try await restarted.insertObservationFixtures([second], atMilliseconds: net.clock.nowMilliseconds)
        try await net.nodes[6].aggregator.signPending()
        #expect(try await restarted.attestationStatus(of: second.id) == .quorum)
        // Once its own signatures are gossiped, every node converges on the same first-Q-by-address set.
        await net.exchangeHeartbeats()
        for observation in [first, second] {
            let reference = try await restarted.submissionSignatures(observationID: observation.id)
            #expect(reference.count == 5)
            for node in net.nodes {
                #expect(try await node.database.submissionSignatures(observationID: observation.id) == reference)
            }
        }
        // Nothing counted twice: one row per validator and digest.
        let stored = try await restarted.signatures(observationID: first.id)
        #expect(Set(stored.map(\.signature.validator)).count == stored.count)
    }
}
