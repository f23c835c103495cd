// SPDX-License-Identifier: Apache-2.0
import BridgeAttestation
import BridgeCore
import BridgeGossip
import BridgeSigning
import BridgeStore
import ChainCrypto
import Testing
import BridgeTesting

/// Seven in-process validators over the in-memory transport with a virtual clock.
@Suite struct ValidatorNetworkTests {
    @Test func allSevenObserveAndReachTheSameMinimalQuorum() async throws {
        let net = try ValidatorNetworkHarness(count: 7)
        await net.exchangeHeartbeats()
        let observations = (0..<20).map { ObservationFixtures.observation($0) }
        for node in net.nodes {
            try await node.database.insertObservationFixtures(observations, atMilliseconds: net.clock.nowMilliseconds)
            try await node.aggregator.signPending()
        }
        await net.pump()
        let verifier = Secp256k1SignatureVerifier()
        for observation in observations {
            let reference = try await net.nodes[0].database.submissionSignatures(observationID: observation.id)
            #expect(reference.count == 5)  // v1: ⌈2·7/3⌉
            #expect(reference.map(\.validator) == reference.map(\.validator).sorted { $0.lexicographicallyPrecedes($1) })
            for signature in reference {
                #expect(verifier.recoverKoinosAddress(digest: observation.digest, signature: signature.signature) == signature.validator)
            }
            for node in net.nodes {
                #expect(try await node.database.attestationStatus(of: observation.id) == .quorum)
                #expect(try await node.database.submissionSignatures(observationID: observation.id) == reference)
            }
        }
        // Signatures that cannot change the set after quorum are dropped unverified; at least Q are stored.
        #expect(try await net.nodes[3].database.signatures(observationID: observations[0].id).count >= 5)
    }

    @Test func v2ProfileUsesItsOwnQuorumRule() async throws {
        let net = try ValidatorNetworkHarness(count: 4, profile: .v2)
        await net.exchangeHeartbeats()
        let observation = ObservationFixtures.observation(1, profile: .v2)
        for node in net.nodes.prefix(3) {
            try await node.database.insertObservationFixtures([observation], atMilliseconds: net.clock.nowMilliseconds)
            try await node.aggregator.signPending()
        }
        await net.pump()
        // v2 with N = 4: ⌊(5·4 + 10)/9⌋ = 3.
        #expect(try await net.nodes[0].database.submissionSignatures(observationID: observation.id).count == 3)
        #expect(try await net.nodes[3].database.attestationStatus(of: observation.id) == nil)
    }

    @Test func lateObserverCatchesUpByReobservation() async throws {
        let net = try ValidatorNetworkHarness(count: 7)
        await net.exchangeHeartbeats()
        let observation = ObservationFixtures.observation(42)
        // Only four watchers saw the lock: below Q = 5.
        for node in net.nodes.prefix(4) {
            try await node.database.insertObservationFixtures([observation], atMilliseconds: net.clock.nowMilliseconds)
            try await node.aggregator.signPending()
        }
        await net.pump()
        #expect(try await net.nodes[0].database.attestationStatus(of: observation.id) == .signing)
        await net.advance(milliseconds: 60_000)
        await net.pump()
        #expect(net.nodes[5].reobservation.take().isEmpty)
        // After 5 min without quorum the signers re-broadcast and ask for re-observation.
        await net.advance(milliseconds: 4 * 60_000 + 1)
        await net.pump()
        for node in net.nodes.suffix(3) {
            let requested = node.reobservation.take()
            #expect(requested == [observation.id])
            // The test plays the watcher: it looks again and finds the lock.
            try await node.database.insertObservationFixtures([observation], atMilliseconds: net.clock.nowMilliseconds)
            try await node.aggregator.signPending()
        }
        await net.pump()
        for node in net.nodes {
            #expect(try await node.database.attestationStatus(of: observation.id) == .quorum)
            #expect(try await node.database.submissionSignatures(observationID: observation.id).count == 5)
        }
    }

    @Test func partitionedObserverGetsTheAttestationWhenItAsks() async throws {
        let net = try ValidatorNetworkHarness(count: 7)
        await net.exchangeHeartbeats()
        let observation = ObservationFixtures.observation(7)
        net.network.setIsolated("peer-6", true)
        for node in net.nodes {
            try await node.database.insertObservationFixtures([observation], atMilliseconds: net.clock.nowMilliseconds)
            try await node.aggregator.signPending()
        }
        await net.pump()
        #expect(try await net.nodes[0].database.attestationStatus(of: observation.id) == .quorum)
        #expect(try await net.nodes[6].database.attestationStatus(of: observation.id) == .signing)
        net.network.setIsolated("peer-6", false)
        await net.advance(milliseconds: 5 * 60_000 + 1)
        await net.pump()
        let stored = try await net.nodes[6].database.submissionSignatures(observationID: observation.id)
        #expect(stored == (try await net.nodes[0].database.submissionSignatures(observationID: observation.id)))
    }

    @Test func requestsForAttestationsThatLeftMemoryAreAnsweredFromTheStore() async throws {
        var pool = AttestationPoolConfiguration()
        pool.settledRetentionMilliseconds = 60_000
        let net = try ValidatorNetworkHarness(count: 7, pool: pool)
        await net.exchangeHeartbeats()
        let observation = ObservationFixtures.observation(8)
        net.network.setIsolated("peer-6", true)
        for node in net.nodes {
            try await node.database.insertObservationFixtures([observation], atMilliseconds: net.clock.nowMilliseconds)
            try await node.aggregator.signPending()
        }
        await net.pump()
        await net.advance(milliseconds: 2 * 60_000)
        #expect(await net.nodes[0].aggregator.pendingEntries == 0)
        net.network.setIsolated("peer-6", false)
        await net.advance(milliseconds: 3 * 60_000 + 1)
        await net.pump()
        #expect(try await net.nodes[6].database.attestationStatus(of: observation.id) == .quorum)
        #expect(net.nodes.allSatisfy { $0.reobservation.take().isEmpty })
    }

    @Test func withoutQuorumTheObservationExpiresAfterTheGiveUpDeadline() async throws {
        var pool = AttestationPoolConfiguration()
        pool.giveUpAfterMilliseconds = 2 * 60 * 60_000
        let net = try ValidatorNetworkHarness(count: 7, pool: pool)
        await net.exchangeHeartbeats()
        let observation = ObservationFixtures.observation(9)
        for node in net.nodes.prefix(2) {
            try await node.database.insertObservationFixtures([observation], atMilliseconds: net.clock.nowMilliseconds)
            try await node.aggregator.signPending()
        }
        await net.pump()
        var requests = 0
        for _ in 0..<25 {  // 25 × 5 min > 2 h
            await net.advance(milliseconds: 5 * 60_000)
            await net.pump()
            requests += net.nodes.suffix(5).map { $0.reobservation.take().count }.reduce(0, +)
        }
        #expect(try await net.nodes[0].database.attestationStatus(of: observation.id) == .expired)
        #expect(try await net.nodes[1].database.attestationStatus(of: observation.id) == .expired)
        // Backoff: 5, 10, 20, 40 min (+ jitter) fit in 2 h, so only a few rounds of requests went out.
        #expect(requests > 0)
        #expect(requests <= 5 * 4)
    }
}

extension ValidatorNetworkTests {
    /// Signatures published before any heartbeat are ignored (no peer id bound yet); the first
    /// heartbeat of each validator makes the others send their pending signatures again, so
    /// quorum comes without waiting for a retry timer.
    @Test func signaturesSentBeforePeersBoundAreSentAgainWhenTheyJoin() async throws {
        let net = try ValidatorNetworkHarness(count: 4)
        let observation = ObservationFixtures.observation(11)
        for node in net.nodes {
            try await node.database.insertObservationFixtures([observation], atMilliseconds: net.clock.nowMilliseconds)
            try await node.aggregator.signPending()
        }
        await net.pump()
        #expect(try await net.nodes[0].database.attestationStatus(of: observation.id) == .signing, "unbound peers' signatures are ignored")
        await net.exchangeHeartbeats()
        await net.pump()
        for node in net.nodes {
            #expect(try await node.database.attestationStatus(of: observation.id) == .quorum, "\(node.name) reached quorum without a retry")
        }
    }
}

/// A node whose key is not in the current set observes but signs nothing; it signs what it
/// stored once a new set includes it.
@Suite struct NonMemberSigningTests {
    @Test func aKeyOutsideTheSetSignsNothingUntilTheSetIncludesIt() async throws {
        let net = try ValidatorNetworkHarness(count: 4)
        let outsider = net.nodes[3]
        let without = ValidatorSet(Array(net.validatorSet.addresses.prefix(3)))
        await outsider.aggregator.updateValidators(without)
        let observation = ObservationFixtures.observation(7)
        try await outsider.database.insertObservationFixtures([observation], atMilliseconds: net.clock.nowMilliseconds)
        #expect(try await outsider.aggregator.signPending() == 0)
        #expect(try await outsider.database.signatures(observationID: observation.id).isEmpty)
        #expect(try await outsider.database.attestationStatus(of: observation.id) == .observed)

        await outsider.aggregator.updateValidators(net.validatorSet)
        #expect(try await outsider.aggregator.signPending() == 1)
        #expect(try await outsider.database.signatures(observationID: observation.id).map(\.signature.validator) == [outsider.address])
        #expect(try await outsider.database.attestationStatus(of: observation.id) == .signing)
    }
}
