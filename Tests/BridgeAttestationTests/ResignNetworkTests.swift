// SPDX-License-Identifier: Apache-2.0
import BridgeAttestation
import BridgeCore
import BridgeSigning
import BridgeStore
import BridgeTesting
import ChainCrypto
import Foundation
import Testing

/// An Ethereum re-sign request (§2.7) honoured by four in-process validators (real SQLite, real
/// signatures, in-memory gossip) at different times: a new set over the new digest reaches quorum
/// everywhere, the old set is no longer the transfer's, and nobody is taken for an equivocator.
@Suite struct ResignNetworkTests {
    @Test func validatorsThatResignAtDifferentTimesReachQuorumOnTheNewDigestWithoutEvidence() async throws {
        var grace = AttestationPoolConfiguration()
        grace.resignGraceMilliseconds = 10 * 60_000
        let net = try ValidatorNetworkHarness(count: 4, pool: grace)
        await net.exchangeHeartbeats()
        let observation = ObservationFixtures.observation(7)
        for node in net.nodes {
            try await node.database.insertObservationFixtures([observation], atMilliseconds: net.clock.nowMilliseconds)
            try await node.aggregator.signPending()
        }
        await net.pump()
        let old = try await net.nodes[0].database.submissionSignatures(observationID: observation.id)
        #expect(old.count == 3, "v1, N = 4: Q = 3")

        // The watcher's verdict (EthereumBridgeEventJudge) as every validator computes it.
        let message = KoinosTransferMessage(
            profile: .v1, transactionID: observation.id.transactionHash, token: [0] + Array(repeating: 7, count: 24),
            recipient: [0] + Array(repeating: 9, count: 24), amount: 1_007, contractID: [0] + Array(repeating: 3, count: 24),
            expiration: 1_700_010_800_000)
        #expect(message.digest != observation.digest)
        let resign = ObservationResign(
            id: observation.id, oldDigest: observation.digest, expiration: message.expiration, message: message.encoded(), digest: message.digest)
        func honour(_ node: TestValidator) async throws {
            let commit = try await node.database.commitScan(cursor: "eth", nextBlock: 10, records: [], resigns: [resign], nowMs: net.clock.nowMilliseconds)
            #expect(commit.resigned == [observation.id])
            try await node.aggregator.signPending()
        }
        // Three validators honour the request first; the fourth still holds the old digest.
        for node in net.nodes.dropFirst() { try await honour(node) }
        await net.pump()
        await net.advance(milliseconds: 60_000)
        try await honour(net.nodes[0])
        await net.pump()

        let verifier = Secp256k1SignatureVerifier()
        for node in net.nodes {
            #expect(try await node.database.attestationStatus(of: observation.id) == .quorum)
            let set = try await node.database.submissionSignatures(observationID: observation.id)
            #expect(set.count == 3)
            #expect(set != old)
            for s in set {
                #expect(verifier.recoverKoinosAddress(digest: message.digest, signature: s.signature) == s.validator, "signed over the new digest")
            }
            #expect(try await SQLiteAttestationRepository(node.database).restoreAttestationState().evidence.isEmpty, "\(node.name) recorded no equivocation")
            #expect(await node.aggregator.equivocators(for: observation.id).isEmpty)
        }
        // Past the grace period nothing turns into evidence either.
        await net.advance(milliseconds: 11 * 60_000)
        await net.pump()
        for node in net.nodes {
            #expect(try await SQLiteAttestationRepository(node.database).restoreAttestationState().evidence.isEmpty)
        }
    }
    /// A validator restarts after it re-signed but before the others did: the peers' old-digest
    /// signatures restored from its store are retired with the old digest, so their new ones
    /// count (without that, they would look like second digests and end as evidence).
    @Test func aValidatorRestartedAfterItsResignCountsThePeersNewSignatures() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("resign-restart-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        var grace = AttestationPoolConfiguration()
        grace.resignGraceMilliseconds = 10 * 60_000
        var net = try ValidatorNetworkHarness(count: 4, databasePaths: [path], pool: grace)
        await net.exchangeHeartbeats()
        let observation = ObservationFixtures.observation(8)
        for node in net.nodes {
            try await node.database.insertObservationFixtures([observation], atMilliseconds: net.clock.nowMilliseconds)
            try await node.aggregator.signPending()
        }
        await net.pump()
        let message = KoinosTransferMessage(
            profile: .v1, transactionID: observation.id.transactionHash, token: [0] + Array(repeating: 7, count: 24),
            recipient: [0] + Array(repeating: 9, count: 24), amount: 1_008, contractID: [0] + Array(repeating: 3, count: 24),
            expiration: 1_700_010_800_000)
        let resign = ObservationResign(
            id: observation.id, oldDigest: observation.digest, expiration: message.expiration, message: message.encoded(), digest: message.digest)
        net.network.setIsolated("peer-0", true)
        _ = try await net.nodes[0].database.commitScan(cursor: "eth", nextBlock: 10, records: [], resigns: [resign], nowMs: net.clock.nowMilliseconds)
        try await net.nodes[0].aggregator.signPending()
        #expect(try await net.nodes[0].database.attestationStatus(of: observation.id) == .signing)

        net.clock.advance(milliseconds: 30_000)
        _ = net.network.takeInbox("peer-0")
        net.network.setIsolated("peer-0", false)
        net.nodes[0] = try net.makeNode(index: 0, database: BridgeDatabase(path: path), pool: grace)
        try await net.nodes[0].aggregator.restore()
        await net.exchangeHeartbeats()
        for node in net.nodes.dropFirst() {
            _ = try await node.database.commitScan(cursor: "eth", nextBlock: 10, records: [], resigns: [resign], nowMs: net.clock.nowMilliseconds)
            try await node.aggregator.signPending()
        }
        await net.pump()
        await net.advance(milliseconds: 11 * 60_000)
        await net.pump()
        let restarted = net.nodes[0]
        #expect(try await restarted.database.attestationStatus(of: observation.id) == .quorum)
        #expect(try await restarted.database.submissionSignatures(observationID: observation.id).count == 3)
        #expect(try await SQLiteAttestationRepository(restarted.database).restoreAttestationState().evidence.isEmpty)
        #expect(await restarted.aggregator.equivocators(for: observation.id).isEmpty)
    }
}
