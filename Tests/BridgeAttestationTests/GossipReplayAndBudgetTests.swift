// SPDX-License-Identifier: Apache-2.0
import BridgeAttestation
import BridgeCore
import BridgeGossip
import BridgeSigning
import BridgeStore
import ChainCrypto
import Testing
import BridgeTesting

/// L1 (replayed envelopes) and M4 (a dishonest validator's cost) at the gossip validation layer.
@Suite struct GossipReplayAndBudgetTests {
    func seal(_ message: BridgeMessage, key: Secp256k1.PrivateKey, at time: UInt64) throws -> [UInt8] {
        try BridgeEnvelope.seal(message, signer: Secp256k1AttestationSigner(key: key), timestampMilliseconds: time, hashing: ChainHashing())
    }

    /// A stranger re-publishes validator 1's captured heartbeats (as it can once gossipsub's 30 s
    /// seen cache forgot them; the gossipsub author is still validator 1's peer): they are dropped
    /// as replays before they spend validator 1's token, so its next real heartbeat is accepted.
    @Test func replayedHeartbeatsDoNotSpendTheValidatorsToken() async throws {
        let net = try ValidatorNetworkHarness(count: 3)
        let receiver = net.nodes[0].endpoint
        let first = net.clock.nowMilliseconds
        // An older heartbeat this node never saw (captured elsewhere), then the current one.
        let old = try seal(.heartbeat(peerID: "peer-1", softwareVersion: "v", ethereumCursor: 1), key: net.keys[1], at: first)
        net.clock.advance(milliseconds: 60_000)
        let newer = try seal(.heartbeat(peerID: "peer-1", softwareVersion: "v", ethereumCursor: 2), key: net.keys[1], at: net.clock.nowMilliseconds)
        #expect(receiver.receive(newer, from: "peer-1").inbound != nil)
        net.clock.advance(milliseconds: 60_000)
        for _ in 0..<20 {
            #expect(receiver.receive(newer, from: "peer-1") == .ignore(.replayed))
            #expect(receiver.receive(old, from: "peer-1") == .ignore(.staleHeartbeat))
        }
        net.clock.advance(milliseconds: 1_000)
        let fresh = try seal(.heartbeat(peerID: "peer-1", softwareVersion: "v", ethereumCursor: 3), key: net.keys[1], at: net.clock.nowMilliseconds)
        #expect(receiver.receive(fresh, from: "peer-1").inbound != nil, "the validator's real heartbeat still passes")
        let counts = receiver.outcomeCounts()
        #expect(counts["ignore.replayed"] == 20)
        #expect(counts["ignore.stale_heartbeat"] == 20)
        #expect(counts["ignore.rate_limited"] == nil)
    }

    /// Any envelope, not only heartbeats, is accepted once within its window.
    @Test func aReplayedBatchIsDroppedBeforeItsSignaturesAreRecovered() async throws {
        let net = try ValidatorNetworkHarness(count: 3)
        await net.exchangeHeartbeats()
        let observation = ObservationFixtures.observation(1)
        let item = SignedObservation(
            observationID: observation.id, profile: .v1, digest: observation.digest,
            signature: ValidatorSignature(validator: net.nodes[1].address, signature: try KoinosSignature.sign(digest: observation.digest, key: net.keys[1])))
        let batch = try seal(.signedObservationBatch([item]), key: net.keys[1], at: net.clock.nowMilliseconds)
        #expect(net.nodes[0].endpoint.receive(batch, from: "peer-1").inbound != nil)
        net.clock.advance(milliseconds: 14 * 60_000)
        #expect(net.nodes[0].endpoint.receive(batch, from: "peer-1") == .ignore(.replayed))
    }

    /// Validator 2 is dishonest: it floods valid signatures over made-up digests from its bound peer,
    /// then from a second peer id. Each node recovers at most the validator's item budget, keeps
    /// nothing in the store, relays nothing, and its own quorum still forms.
    @Test func aDishonestValidatorsRecoveriesAreBudgetedAndItsMadeUpDigestsNeitherStoredNorRelayed() async throws {
        let net = try ValidatorNetworkHarness(count: 4, honest: 2)
        await net.exchangeHeartbeats()
        let evil = net.keys[2]
        let evilAddress = KoinosAddress(publicKey: evil.publicKey).bytes
        let victim = net.nodes[0]
        var now = net.clock.nowMilliseconds
        #expect(victim.endpoint.receive(try seal(.heartbeat(peerID: "evil", softwareVersion: "x", ethereumCursor: 1), key: evil, at: now), from: "evil").inbound != nil)
        let budget = Int(BridgeGossipConfiguration().itemLimit.burst)
        let perBatch = BridgeGossipConfiguration().maxBatchItems
        var results: [BridgeValidationResult] = []
        for batch in 0..<(budget / perBatch + 1) {
            let items = try (0..<perBatch).map { i in
                let digest = ChainHashing().sha256([UInt8(batch), UInt8(i & 0xff), UInt8(i >> 8)])
                let id = ObservationID(chainID: 1, transactionHash: digest, logIndex: 0)
                return SignedObservation(
                    observationID: id, profile: .v1, digest: digest,
                    signature: ValidatorSignature(validator: evilAddress, signature: try KoinosSignature.sign(digest: digest, key: evil)))
            }
            now += 1
            results.append(victim.endpoint.receive(try seal(.signedObservationBatch(items), key: evil, at: now), from: "evil"))
        }
        #expect(results.dropLast().allSatisfy { if case .acceptLocally = $0 { true } else { false } }, "valid, kept in memory, not relayed")
        #expect(results.last == .ignore(.itemRateLimited))
        // A new peer id does not give it a new budget.
        now += 1
        #expect(victim.endpoint.receive(try seal(.heartbeat(peerID: "evil-2", softwareVersion: "x", ethereumCursor: 1), key: evil, at: now), from: "evil-2").inbound != nil)
        let digest = ChainHashing().sha256([0xff])
        let one = SignedObservation(
            observationID: ObservationID(chainID: 1, transactionHash: digest, logIndex: 0), profile: .v1, digest: digest,
            signature: ValidatorSignature(validator: evilAddress, signature: try KoinosSignature.sign(digest: digest, key: evil)))
        now += 1
        #expect(victim.endpoint.receive(try seal(.signedObservationBatch([one]), key: evil, at: now), from: "evil-2") == .ignore(.itemRateLimited))

        // Deliver what was accepted to the aggregator: nothing of it reaches the store.
        var delivered: [SignedObservation] = []
        for case .acceptLocally(let items) in results {
            for item in items {
                if case .signatures(let batch) = item { delivered += batch }
                await victim.aggregator.handle(item)
            }
        }
        #expect(delivered.count == budget)
        for item in delivered.prefix(50) + delivered.suffix(50) {
            #expect(try await victim.database.signatures(observationID: item.observationID).isEmpty)
        }
        #expect(await victim.aggregator.pendingEntries == 0)

        // Honest traffic still works: both honest nodes observe a real lock (Q = 3 of 4 needs the
        // fourth key; it signs honestly this time).
        let observation = ObservationFixtures.observation(7)
        for node in net.nodes {
            try await node.database.insertObservationFixtures([observation], atMilliseconds: net.clock.nowMilliseconds)
            try await node.aggregator.signPending()
        }
        await net.pump()
        let fourth = try seal(.signedObservationBatch([SignedObservation(
            observationID: observation.id, profile: .v1, digest: observation.digest,
            signature: ValidatorSignature(validator: KoinosAddress(publicKey: net.keys[3].publicKey).bytes,
                                          signature: try KoinosSignature.sign(digest: observation.digest, key: net.keys[3])))]),
            key: net.keys[3], at: net.clock.nowMilliseconds)
        #expect(victim.endpoint.receive(try seal(.heartbeat(peerID: "peer-3", softwareVersion: "x", ethereumCursor: 1), key: net.keys[3], at: net.clock.nowMilliseconds), from: "peer-3").inbound != nil)
        guard case .accept(let items) = victim.endpoint.receive(fourth, from: "peer-3") else {
            Issue.record("a signature over a digest we signed is relayed")
            return
        }
        for item in items { await victim.aggregator.handle(item) }
        #expect(try await victim.database.attestationStatus(of: observation.id) == .quorum)
    }
}
