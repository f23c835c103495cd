// SPDX-License-Identifier: Apache-2.0
import BridgeAttestation
import BridgeCore
import BridgeGossip
import BridgeTesting
import BridgeSigning
import BridgeStore
import ChainCrypto
import Synchronization

/// One benchmark validator.
struct BenchNode: Sendable {
    let peerID: String
    let database: BridgeDatabase
    let endpoint: BridgeGossipEndpoint
    let aggregator: Aggregator

    /// `holdAndVerify`: batch items reach the aggregator unrecovered and it recovers only those that can enter a set.
    init(
        index: Int, key: Secp256k1.PrivateKey, set: ValidatorSet, clock: BenchClock, network: InMemoryBridgeNetwork,
        recoveries: RecoveryCounter, holdAndVerify: Bool
    ) throws {
        peerID = "bench-\(index)"
        let database = try BridgeDatabase()
        self.database = database
        let signer = Secp256k1AttestationSigner(key: key)
        let settled = LateSettled()
        // Every validator signs all locks in one round here: the per-validator item budget (a
        // guard sized for real lock rates) would throttle this burst, which is not what is measured.
        var gossip = BridgeGossipConfiguration()
        gossip.itemLimit = .init(burst: 1e9, perSecond: 1e9)
        gossip.deferItemRecovery = holdAndVerify
        let verifier = CountingVerifier(counter: recoveries)
        endpoint = BridgeGossipEndpoint(
            signer: signer, verifier: verifier, hashing: ChainHashing(), clock: clock,
            validators: set, transport: network.transport(for: peerID), configuration: gossip, settled: settled,
            attestationSource: { since, limit in (try? await SQLiteAttestationRepository(database).quorumAttestations(sinceMilliseconds: since, limit: limit)) ?? [] })
        aggregator = Aggregator(
            repository: SQLiteAttestationRepository(database), signer: signer, gossip: endpoint, clock: clock, validators: set, hashing: ChainHashing(),
            verifier: holdAndVerify ? verifier : nil)
        settled.target.withLock { $0 = aggregator.settled }
        network.attach(endpoint, as: peerID)
    }
}

/// The endpoint is built before the aggregator that owns the settled set.
final class LateSettled: SettledDigestLookup {
    let target = Mutex<SettledDigests?>(nil)
    func isSettled(_ digest: [UInt8], validator: [UInt8]) -> Bool {
        target.withLock { $0 }?.isSettled(digest, validator: validator) ?? false
    }
}

final class BenchClock: BridgeClock {
    private let now = Mutex<UInt64>(1_700_000_000_000)
    var nowMilliseconds: UInt64 { now.withLock { $0 } }
    func advance(milliseconds: UInt64) { now.withLock { $0 += milliseconds } }
}

final class RecoveryCounter: Sendable {
    private let count = Atomic<Int>(0)
    var value: Int { count.load(ordering: .relaxed) }
    func increment() { count.add(1, ordering: .relaxed) }
    /// Recoveries of a (digest, signature) pair the same node had already recovered (what a
    /// cache of verified signatures could save).
    let repeats = Atomic<Int>(0)
    func reset() {
        count.store(0, ordering: .relaxed)
        repeats.store(0, ordering: .relaxed)
    }
}

/// The production verifier, counting recoveries and repeats (by a hash of the pair, per node).
final class CountingVerifier: SignatureVerifier {
    let inner = Secp256k1SignatureVerifier()
    let counter: RecoveryCounter
    private let seen = Mutex<Set<Int>>([])

    init(counter: RecoveryCounter) { self.counter = counter }

    func recoverKoinosAddress(digest: [UInt8], signature: [UInt8]) -> [UInt8]? {
        counter.increment()
        var hasher = Hasher()
        hasher.combine(digest)
        hasher.combine(signature)
        if !seen.withLock({ $0.insert(hasher.finalize()).inserted }) { counter.repeats.add(1, ordering: .relaxed) }
        return inner.recoverKoinosAddress(digest: digest, signature: signature)
    }

    func recoverEthereumAddress(digest: [UInt8], signature: [UInt8]) -> [UInt8]? {
        inner.recoverEthereumAddress(digest: digest, signature: signature)
    }
}

/// A v1 lock observation with a real message and digest.
func benchObservation(_ n: Int) -> PendingObservation {
    var hash = [UInt8](repeating: 0xbe, count: 32)
    for i in 0..<4 { hash[28 + i] = UInt8(truncatingIfNeeded: n >> (24 - 8 * i)) }
    let message = KoinosTransferMessage(
        profile: .v1, transactionID: hash, token: [0] + Array(repeating: 7, count: 24), recipient: [0] + Array(repeating: 9, count: 24),
        amount: UInt64(n + 1), contractID: [0] + Array(repeating: 3, count: 24), expiration: 1_700_003_600_000)
    return PendingObservation(
        id: ObservationID(chainID: 1, transactionHash: hash, logIndex: 0), profile: .v1, digest: message.digest,
        message: message.encoded(), status: .observed, updatedAtMilliseconds: 0)
}
