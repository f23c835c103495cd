// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeKoinos
import BridgeTesting
import ChainCrypto
import Koinos
import Testing

/// The Koinos lock signer's interpreter against its ports in memory (`InMemoryKoinosSignatureStore`)
/// on a virtual clock: no process, no database. The governor holds a big lock until the clock
/// reaches its release time, and signs it then with the expiration counted from the release;
/// peers' signatures are collected to the contract's quorum.
struct KoinosLockSignerPortTests {
    static let t0: UInt64 = 1_700_000_000_000
    static let keys = (0..<4).map { _ in Secp256k1.PrivateKey.generate() }
    static var validators: [[UInt8]] { keys.map { EthereumAddress(publicKey: $0.publicKey).bytes } }
    /// At most 1,000 per 24 h; a single lock above 600 waits 1 h.
    static let policy = GovernorPolicy(tokens: [
        KoinosLockJudgeTests.koinosToken: GovernorLimits(dailyLimit: 1_000, singleTransferThreshold: 600, bigTransferDelayMilliseconds: 3_600_000),
    ])

    /// A valid v2 lock of `amount` at Koinos block time `timeMs` (tx id byte `n`, height `n`), as the watcher stores it.
    static func lock(_ n: UInt8, amount: UInt64, timeMs: UInt64, in store: InMemoryKoinosSignatureStore) throws -> KoinosLockRecord {
        let judge = KoinosLockJudge(configuration: .init(
            profile: .v2, tokens: [KoinosLockJudgeTests.koinosToken: [UInt8](repeating: 0x22, count: 20)],
            ethereumBridge: [UInt8](repeating: 0x55, count: 20), ethereumChainID: 1, signatureLifetimeMs: 7 * GovernorPolicy.dayMilliseconds))
        let event = KoinosBridgeEvent.TokensLocked(
            from: KoinosLockJudgeTests.sender, token: KoinosLockJudgeTests.koinosToken, amount: String(amount), payment: "0",
            relayer: "0x" + String(repeating: "33", count: 20), recipient: "0x" + String(repeating: "44", count: 20), metadata: "", chainID: 1)
        let record = judge.judge(KoinosLockJudgeTests.event(event.encoded(.v2), sequence: 1), transactionID: [0x12, 0x20] + [UInt8](repeating: n, count: 32),
                                 block: try KoinosLockJudgeTests.block(timeMs: timeMs, height: UInt64(n)))
        #expect(record.status == .observed, "\(record.reason ?? "")")
        store.add(record, atMilliseconds: timeMs)
        return record
    }

    static func signer(_ key: Int, _ store: InMemoryKoinosSignatureStore, _ clock: VirtualClock, policy: GovernorPolicy = policy) -> KoinosLockSigner {
        KoinosLockSigner(key: keys[key], profile: .v2, store: store, governorStore: store, clock: clock, governor: policy)
    }

    static func signed(_ results: [KoinosLockSigner.Signed]) -> [KoinosLockID: [UInt8]] {
        Dictionary(uniqueKeysWithValues: results.compactMap { if case .signed(let id, let digest, _) = $0 { (id, digest) } else { nil } })
    }

    @Test func aBigLockIsHeldUntilItsReleaseTimeAndSignedWithTheExpirationCountedFromIt() async throws {
        let store = InMemoryKoinosSignatureStore()
        let clock = VirtualClock(startMilliseconds: Self.t0 + 5_000)
        let small = try Self.lock(1, amount: 100, timeMs: Self.t0, in: store)
        let big = try Self.lock(2, amount: 700, timeMs: Self.t0 + 1_000, in: store)  // above 600, inside the daily 1,000
        let signer = Self.signer(0, store, clock)

        #expect(Self.signed(try await signer.signPending(validators: Self.validators)).keys.sorted() == [small.observation.id])
        let held = try #require(try await store.koinosLock(big.observation.id))
        #expect(held.status == "delayed" && held.signatures.isEmpty)
        let release = Self.t0 + 1_000 + 3_600_000
        let lifetime = try #require(big.message?.expiration) - big.observation.blockTimeMs
        #expect(held.expiration == release + lifetime, "the signature made at release must not be born expired")
        #expect(held.digest != big.digest)

        clock.advance(milliseconds: release - 1 - clock.nowMilliseconds)
        #expect(try await signer.signPending(validators: Self.validators).isEmpty, "one millisecond early")
        clock.advance(milliseconds: 1)
        let atRelease = Self.signed(try await signer.signPending(validators: Self.validators))
        #expect(atRelease == [big.observation.id: try #require(held.digest)])
        #expect(try await store.koinosLock(big.observation.id)?.status == "signing")
        #expect(try await signer.signPending(validators: Self.validators).isEmpty, "decided once, signed once")
    }

    @Test func peersSignaturesAreCollectedToQuorumForTheCurrentDigestOnly() async throws {
        let store = InMemoryKoinosSignatureStore()
        let clock = VirtualClock(startMilliseconds: Self.t0)
        let record = try Self.lock(1, amount: 5, timeMs: Self.t0, in: store)
        let id = record.observation.id
        let digest = try #require(record.digest)
        let signer = Self.signer(0, store, clock, policy: GovernorPolicy(tokens: [:]))
        _ = try await signer.signPending(validators: Self.validators)
        #expect(try await store.koinosDigestsAwaitingPeers(signedBy: Self.validators[0], limit: 8) == [digest])

        // A full set for a digest the lock no longer has (an older expiration) changes nothing.
        let stale = [UInt8](repeating: 9, count: 32)
        let staleSet = try await signer.collect(
            id, digest: stale, received: try (1...3).map { try EthereumSignature.sign(digest: stale, key: Self.keys[$0]) }, validators: Self.validators)
        #expect(staleSet.submission?.count == 3)
        #expect(store.submission(of: id) == nil)
        #expect(try await store.koinosLock(id)?.status == "signing")

        let one = try await signer.collect(
            id, digest: digest, received: [try EthereumSignature.sign(digest: digest, key: Self.keys[1])], validators: Self.validators)
        #expect(one.submission == nil && one.counted.count == 2)
        let stranger = try EthereumSignature.sign(digest: digest, key: .generate())
        let done = try await signer.collect(
            id, digest: digest, received: [stranger, try EthereumSignature.sign(digest: digest, key: Self.keys[2])], validators: Self.validators)
        #expect(done.submission?.count == 3)
        #expect(store.submission(of: id) == done.submission)
        #expect(try await store.koinosLock(id)?.status == "quorum")
        #expect(try await store.koinosSignatures(digest: digest).count == 3, "the stranger's was not kept")
        #expect(try await store.koinosDigestsAwaitingPeers(signedBy: Self.validators[0], limit: 8).isEmpty, "at quorum: nothing to ask")
    }
}
