// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeKoinos
import BridgeStore
import BridgeTesting
import ChainCrypto
import Foundation
import Koinos
import Testing

/// The outflow governor on the Koinos → Ethereum side, through the real `KoinosLockSigner` and a
/// real SQLite store, with a virtual wall clock: locks judged from `tokens_locked_event`s at chosen
/// Koinos block times are signed at once, held at the window's edges, or held as big transfers;
/// held ones are `delayed`, unsigned, and signed once the wall clock reaches their release time.
struct KoinosGovernorTests {
    static let day = GovernorPolicy.dayMilliseconds
    static let t0: UInt64 = 1_700_000_000_000
    static let key = try! Secp256k1.PrivateKey(rawRepresentation: [UInt8](repeating: 0, count: 31) + [7])
    static let validators = [EthereumAddress(publicKey: key.publicKey).bytes]
    /// KOIN-like token: at most 1,000 per 24 h, a single lock above 600 waits 1 h.
    static let policy = GovernorPolicy(tokens: [
        KoinosLockJudgeTests.koinosToken: GovernorLimits(dailyLimit: 1_000, singleTransferThreshold: 600, bigTransferDelayMilliseconds: 3_600_000),
    ])

    /// Stores one valid v2 lock of `amount` at Koinos block time `timeMs` (tx id byte `n`, height `n`).
    static func lock(_ n: UInt8, amount: UInt64, timeMs: UInt64, in database: BridgeDatabase) async throws -> KoinosLockID {
        let judge = KoinosLockJudge(configuration: .init(
            profile: .v2, tokens: [KoinosLockJudgeTests.koinosToken: [UInt8](repeating: 0x22, count: 20)],
            ethereumBridge: [UInt8](repeating: 0x55, count: 20), ethereumChainID: 1, signatureLifetimeMs: 7 * day))
        let event = KoinosBridgeEvent.TokensLocked(
            from: KoinosLockJudgeTests.sender, token: KoinosLockJudgeTests.koinosToken, amount: String(amount), payment: "0",
            relayer: "0x" + String(repeating: "33", count: 20), recipient: "0x" + String(repeating: "44", count: 20), metadata: "", chainID: 1)
        let tx = [0x12, 0x20] + [UInt8](repeating: n, count: 32)
        let record = judge.judge(KoinosLockJudgeTests.event(event.encoded(.v2), sequence: 1), transactionID: tx,
                                 block: try KoinosLockJudgeTests.block(timeMs: timeMs, height: UInt64(n)))
        #expect(record.status == .observed, "\(record.reason ?? "")")
        _ = try await SQLiteKoinosLockStore(database).commitKoinosScan(
            cursor: "koinos-locks", to: KoinosScanCursor(nextHeight: UInt64(n) + 1, previousBlockID: []), records: [record], nowMs: timeMs)
        return record.observation.id
    }

    static func signer(_ database: BridgeDatabase, _ clock: VirtualClock, policy: GovernorPolicy = policy) -> KoinosLockSigner {
        KoinosLockSigner(key: key, profile: .v2, store: SQLiteKoinosSignatureStore(database), governorStore: SQLiteGovernorRepository(database), clock: clock, governor: policy)
    }

    static func signedIDs(_ results: [KoinosLockSigner.Signed]) -> [KoinosLockID] {
        results.compactMap { if case .signed(let id, _, _) = $0 { id } else { nil } }
    }

    static func status(_ id: KoinosLockID, _ database: BridgeDatabase) async throws -> String? {
        try await database.koinosLock(id)?.status
    }

    @Test func windowEdgesAndBigTransfersHoldKoinosLocksUntilTheirReleaseTime() async throws {
        let database = try BridgeDatabase()
        let clock = VirtualClock(startMilliseconds: Self.t0 + 5_000)
        let signer = Self.signer(database, clock)
        let a = try await Self.lock(1, amount: 600, timeMs: Self.t0, in: database)  // = threshold: not big
        let b = try await Self.lock(2, amount: 400, timeMs: Self.t0 + 1_000, in: database)  // window exactly full (1,000)
        let c = try await Self.lock(3, amount: 1, timeMs: Self.t0 + 2_000, in: database)  // one over: waits until a leaves
        let d = try await Self.lock(4, amount: 601, timeMs: Self.t0 + 3_000, in: database)  // above threshold: big transfer
        #expect(Self.signedIDs(try await signer.signPending(validators: Self.validators)) == [a, b])
        #expect(try await Self.status(c, database) == "delayed")
        #expect(try await Self.status(d, database) == "delayed")
        #expect(try await database.koinosLock(c)?.signatures.isEmpty == true, "a held lock is not signed")

        let queue = try await SQLiteGovernorRepository(database).governorQueue()
        #expect(queue.map(\.entry.transfer.id) == [.koinos(d), .koinos(c)], "release order")
        #expect(queue.map(\.entry.decision) == [
            .delayed(releaseAtMilliseconds: Self.t0 + 3_000 + 3_600_000, reason: .bigTransfer),
            // a counted at t0 leaves the window (r − 24 h, r] exactly at t0 + 24 h.
            .delayed(releaseAtMilliseconds: Self.t0 + Self.day, reason: .dailyLimit),
        ])

        // One millisecond before the big transfer's release: nothing is signed.
        clock.advance(milliseconds: Self.t0 + 3_000 + 3_600_000 - 1 - clock.nowMilliseconds)
        #expect(try await signer.signPending(validators: Self.validators).isEmpty)
        clock.advance(milliseconds: 1)
        #expect(Self.signedIDs(try await signer.signPending(validators: Self.validators)) == [d])
        #expect(try await Self.status(d, database) == "signing")

        clock.advance(milliseconds: Self.t0 + Self.day - 1 - clock.nowMilliseconds)
        #expect(try await signer.signPending(validators: Self.validators).isEmpty)
        #expect(try await Self.status(c, database) == "delayed")
        clock.advance(milliseconds: 1)
        #expect(Self.signedIDs(try await signer.signPending(validators: Self.validators)) == [c])
        #expect(try await SQLiteGovernorRepository(database).governorQueue().isEmpty)
    }

    @Test func aRestartKeepsTheKoinosQueueAndTheWindow() async throws {
        let path = NSTemporaryDirectory() + "koinos-governor-" + UUID().uuidString + ".sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let clock = VirtualClock(startMilliseconds: Self.t0 + 5_000)
        var database: BridgeDatabase? = try BridgeDatabase(path: path)
        let a = try await Self.lock(1, amount: 600, timeMs: Self.t0, in: database!)
        let b = try await Self.lock(2, amount: 500, timeMs: Self.t0 + 1_000, in: database!)  // 1,100 > 1,000: waits for a to leave
        #expect(Self.signedIDs(try await Self.signer(database!, clock).signPending(validators: Self.validators)) == [a])
        #expect(try await Self.status(b, database!) == "delayed")
        database = nil  // the node stops

        let reopened = try BridgeDatabase(path: path)
        let signer = Self.signer(reopened, clock)
        #expect(try await SQLiteGovernorRepository(reopened).governorQueue().map(\.entry.transfer.id) == [.koinos(b)], "the queue survives")
        // The window survives too: a 100 counts after b (first in, first out), when a has left.
        let c = try await Self.lock(3, amount: 100, timeMs: Self.t0 + 2_000, in: reopened)
        #expect(try await signer.signPending(validators: Self.validators).isEmpty)
        let queue = try await SQLiteGovernorRepository(reopened).governorQueue()
        #expect(queue.map(\.entry.transfer.id) == [.koinos(b), .koinos(c)])
        #expect(queue.map(\.entry.decision) == [
            .delayed(releaseAtMilliseconds: Self.t0 + Self.day, reason: .dailyLimit),
            .delayed(releaseAtMilliseconds: Self.t0 + Self.day, reason: .dailyLimit),
        ])
        clock.advance(milliseconds: Self.t0 + Self.day - clock.nowMilliseconds)
        #expect(Set(Self.signedIDs(try await signer.signPending(validators: Self.validators))) == [b, c])
    }

    @Test func twoValidatorsWithTheSameConfigurationDecideTheSameWhateverTheirClocks() async throws {
        let locks: [(UInt8, UInt64, UInt64)] = [
            (1, 500, 0), (2, 450, 10), (3, 700, 20), (4, 60, 30), (5, 300, 40), (6, 1, Self.day + 5), (7, 999, Self.day + 6),
        ]
        var decisions: [[GovernorEntry]] = []
        // Different wall clocks and round sizes: one validator decides everything late in one
        // round, the other early, a lock per round.
        for (start, perRound) in [(Self.t0 + 3 * Self.day, false), (Self.t0 + 50, true)] {
            let database = try BridgeDatabase()
            let clock = VirtualClock(startMilliseconds: start)
            let signer = Self.signer(database, clock)
            for (n, amount, offset) in locks {
                _ = try await Self.lock(n, amount: amount, timeMs: Self.t0 + offset, in: database)
                if perRound { _ = try await signer.signPending(validators: Self.validators) }
            }
            _ = try await signer.signPending(validators: Self.validators)
            let state = try await database.governorState(sinceMilliseconds: 0)
            decisions.append(state.history.map { GovernorEntry(transfer: $0.transfer, decision: $0.decision) })
        }
        #expect(decisions[0].count == locks.count)
        #expect(decisions[0] == decisions[1])
        #expect(decisions[0].contains { $0.decision == .delayed(releaseAtMilliseconds: Self.t0 + Self.day, reason: .dailyLimit) })
        #expect(decisions[0].contains { $0.decision == .delayed(releaseAtMilliseconds: Self.t0 + 20 + 3_600_000, reason: .bigTransfer) })
    }

    @Test func anOperatorReleasesADelayedKoinosLockEarlyAndItIsSignedNextRound() async throws {
        let database = try BridgeDatabase()
        let clock = VirtualClock(startMilliseconds: Self.t0 + 5_000)
        let signer = Self.signer(database, clock)
        let big = try await Self.lock(1, amount: 5_000, timeMs: Self.t0, in: database)
        #expect(try await signer.signPending(validators: Self.validators).isEmpty)
        let id = try #require(GovernedTransferID(big.description), "the text form /v1/governor lists parses back")
        #expect(id == .koinos(big))
        #expect(try await SQLiteGovernorRepository(database).releaseTransferEarly(id, atMilliseconds: clock.nowMilliseconds))
        #expect(try await SQLiteGovernorRepository(database).releaseTransferEarly(id, atMilliseconds: clock.nowMilliseconds) == false, "only a delayed lock")
        #expect(Self.signedIDs(try await signer.signPending(validators: Self.validators)) == [big])
        let entry = try #require(try await database.governorState(sinceMilliseconds: 0).history.first)
        #expect(entry.releasedEarlyAtMilliseconds == Self.t0 + 5_000)
    }

    @Test func withoutAGovernorOrForAnotherTokenEveryKoinosLockIsSignedAtOnce() async throws {
        let database = try BridgeDatabase()
        let clock = VirtualClock(startMilliseconds: Self.t0 + 5_000)
        let other = GovernorPolicy(tokens: [[UInt8](repeating: 0x22, count: 20): GovernorLimits(dailyLimit: 1, singleTransferThreshold: 1)])
        let a = try await Self.lock(1, amount: 5_000, timeMs: Self.t0, in: database)
        #expect(Self.signedIDs(try await Self.signer(database, clock, policy: other).signPending(validators: Self.validators)) == [a],
                "an Ethereum token's limits never apply to a Koinos lock")
    }

    /// A held lock's message gets its expiration counted from the release time (same lifetime), so
    /// the signature made at release is not born expired; a lock signed at once keeps its own.
    @Test func aHeldLockIsSignedWithAnExpirationCountedFromItsReleaseTime() async throws {
        let database = try BridgeDatabase()
        let clock = VirtualClock(startMilliseconds: Self.t0 + 5_000)
        let signer = Self.signer(database, clock)
        let small = try await Self.lock(1, amount: 10, timeMs: Self.t0, in: database)
        let big = try await Self.lock(2, amount: 5_000, timeMs: Self.t0, in: database)
        let before = try #require(try await database.koinosLock(big))
        #expect(before.expiration == Self.t0 + 7 * Self.day, "the judge's expiration: block time + lifetime")
        #expect(Self.signedIDs(try await signer.signPending(validators: Self.validators)) == [small])
        #expect(try await database.koinosLock(small)?.expiration == Self.t0 + 7 * Self.day)

        let held = try #require(try await database.koinosLock(big))
        let release = Self.t0 + 3_600_000
        #expect(held.expiration == release + 7 * Self.day)
        #expect(held.digest != before.digest)
        let message = try #require(held.message)
        #expect(held.digest == EthereumSignature.eip191Digest(of: Keccak256.hash(message)))
        #expect(message.count == before.message?.count)

        clock.advance(milliseconds: release - clock.nowMilliseconds)
        let signed = try await signer.signPending(validators: Self.validators)
        guard case .signed(let id, let digest, let signature)? = signed.first else {
            Issue.record("not signed at release: \(signed)")
            return
        }
        #expect(id == big && digest == held.digest)
        #expect(EthereumSignature.recoverAddress(digest: digest, signature: signature)?.bytes == Self.validators[0])
    }
}
