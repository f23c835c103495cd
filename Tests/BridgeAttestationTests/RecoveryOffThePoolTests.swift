// SPDX-License-Identifier: Apache-2.0
import BridgeAttestation
import BridgeCore
import BridgeGossip
import BridgeSigning
import BridgeStore
import BridgeTesting
import ChainCrypto
import Synchronization
import Testing

/// Counts calls by where they ran: inside a Swift task (on the cooperative pool) or on a thread of
/// their own.
final class TaskPlacement: Sendable {
    private let calls = Mutex<(inTask: Int, offTask: Int)>((0, 0))

    var counts: (inTask: Int, offTask: Int) { calls.withLock { $0 } }

    func record() {
        let inTask = withUnsafeCurrentTask { $0 != nil }
        calls.withLock { if inTask { $0.inTask += 1 } else { $0.offTask += 1 } }
    }
}

/// The real secp256k1 verifier, recording where each recovery ran.
struct PlacementRecordingVerifier: SignatureVerifier {
    let inner = Secp256k1SignatureVerifier()
    let placement: TaskPlacement

    func recoverKoinosAddress(digest: [UInt8], signature: [UInt8]) -> [UInt8]? {
        placement.record()
        return inner.recoverKoinosAddress(digest: digest, signature: signature)
    }

    func recoverEthereumAddress(digest: [UInt8], signature: [UInt8]) -> [UInt8]? {
        inner.recoverEthereumAddress(digest: digest, signature: signature)
    }
}

/// The node's real signer, recording where each signature was made.
struct PlacementRecordingSigner: AttestationSigner {
    let inner: Secp256k1AttestationSigner
    let placement: TaskPlacement

    var validatorAddress: [UInt8] { inner.validatorAddress }

    func signKoinos(digest: [UInt8]) throws -> [UInt8] {
        placement.record()
        return try inner.signKoinos(digest: digest)
    }
}

/// The aggregator's secp256k1 batches run off the cooperative pool: a round of signing and a batch
/// of peer signatures handed over unrecovered (hold-and-verify) are up to thousands of operations,
/// and on a 2-core host the pool has two threads, so doing them inside the aggregator's task
/// stalled every other task of the node for the whole batch. Both tests fail on the code before
/// `AggregatorCryptoQueue` (every operation ran inside a task).
@Suite struct RecoveryOffThePoolTests {
    static let observations = (1...40).map { ObservationFixtures.observation($0) }

    /// Seven validators (Q = 5), four nodes; key 4 is driven by hand. Every item is recovered at once.
    static func network(verifier: PlacementRecordingVerifier? = nil, signing: TaskPlacement? = nil) throws -> ValidatorNetworkHarness {
        var pool = AttestationPoolConfiguration()
        pool.verificationHoldMilliseconds = 0
        return try ValidatorNetworkHarness(
            count: 7, honest: 4, pool: pool, deferItemRecovery: true,
            aggregatorVerifier: verifier ?? Secp256k1SignatureVerifier(),
            aggregatorSigner: { signer -> any AttestationSigner in
                guard let signing else { return signer }
                return PlacementRecordingSigner(inner: signer, placement: signing)
            })
    }

    static func signAll(_ net: ValidatorNetworkHarness) async throws {
        await net.exchangeHeartbeats()
        for node in net.nodes {
            try await node.database.insertObservationFixtures(observations, atMilliseconds: net.clock.nowMilliseconds)
            try await node.aggregator.signPending()
        }
        await net.pump()
    }

    @Test func aRoundOfSigningRunsOffTheCooperativePool() async throws {
        let placement = TaskPlacement()
        let net = try Self.network(signing: placement)
        try await Self.signAll(net)
        #expect(placement.counts.offTask == Self.observations.count * net.nodes.count)
        #expect(placement.counts.inTask == 0, "no signing round ran inside a task on the cooperative pool")
        for node in net.nodes {
            #expect(try await node.database.attestationStatus(of: Self.observations[0].id) == .signing)
        }
    }

    @Test func aBatchOfUnrecoveredSignaturesIsRecoveredOffTheCooperativePoolAndStillCounts() async throws {
        let placement = TaskPlacement()
        let net = try Self.network(verifier: PlacementRecordingVerifier(placement: placement))
        let hand = net.keys[4]
        let handAddress = KoinosAddress(publicKey: hand.publicKey).bytes
        let now = net.clock.nowMilliseconds
        let heartbeat = BridgeMessage.heartbeat(peerID: "peer-4", softwareVersion: "hand", ethereumCursor: 1)
        net.network.broadcast(try BridgeEnvelope.seal(heartbeat, signer: Secp256k1AttestationSigner(key: hand), timestampMilliseconds: now, hashing: ChainHashing()), from: "peer-4")
        try await Self.signAll(net)
        let before = placement.counts
        let items = try Self.observations.map { observation in
            SignedObservation(
                observationID: observation.id, profile: observation.profile, digest: observation.digest,
                signature: ValidatorSignature(validator: handAddress, signature: try KoinosSignature.sign(digest: observation.digest, key: hand)))
        }
        let batch = try BridgeEnvelope.seal(
            .signedObservationBatch(items), signer: Secp256k1AttestationSigner(key: hand), timestampMilliseconds: now + 1, hashing: ChainHashing())
        net.network.broadcast(batch, from: "peer-4")
        await net.pump()

        let after = placement.counts
        #expect(after.offTask - before.offTask == Self.observations.count * net.nodes.count, "every node recovered the 40 items off the pool")
        #expect(after.inTask == 0, "no batch recovery ran inside a task on the cooperative pool")
        // The hand-driven signature is the fifth of Q = 5: every observation reaches quorum on every node.
        for node in net.nodes {
            for observation in Self.observations {
                #expect(try await node.database.attestationStatus(of: observation.id) == .quorum)
            }
        }
    }
}
