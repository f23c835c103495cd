// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeKoinos
import BridgeSigning
import BridgeStore
import BridgeTesting
import ChainCrypto
import Foundation
import JSONRPC
import Koinos
import KoinosTestSupport
import Testing

/// The Koinos → Ethereum lock watcher against the real simulator and a real SQLite store: locks
/// are seen only once their block is irreversible, a lock in a block a fork replaced is never
/// stored, a restart between windows loses and repeats nothing, an unknown token is stored as
/// rejected with its reason, and an endpoint of another chain is refused.
@Suite(.serialized)
struct KoinosLockWatcherTests {
    static let ethToken = [UInt8](repeating: 0xe1, count: 20)
    static let ethBridge = [UInt8](repeating: 0xb2, count: 20)
    static let recipient = "0x" + String(repeating: "4c", count: 20)

    struct Setup {
        let sim: KoinosSimulatorProcess
        /// The bridge contract's only validator.
        let validator: TestValidator
        let user: TestValidator
        let db: BridgeDatabase
        let configuration: KoinosLockWatcherConfiguration

        func watcher(_ db: BridgeDatabase? = nil) -> KoinosLockWatcher {
            KoinosLockWatcher(configuration: configuration, rpc: sim.rpc, store: SQLiteKoinosLockStore(db ?? self.db), clock: VirtualClock())
        }

        /// A signed `transfer_tokens` from the user; returns the transaction id and the lock event's sequence.
        @discardableResult
        func lock(amount: Int64, token: String = "KOIN", reverted: Bool = false) async throws -> (tx: [UInt8], sequence: UInt32) {
            let reply = try await sim.control("lock_tokens", [
                "private_key": .string(Hex.encode(user.key.rawRepresentation)), "token": .string(token),
                "amount": .int(amount), "recipient": .string(KoinosLockWatcherTests.recipient), "to_chain": .int(1),
                "reverted": .bool(reverted),
            ])
            let tx = try #require(Hex.decode(reply["transaction_id"]?.stringValue ?? ""))
            let event = try #require(reply["events"]?.arrayValue?.first { $0["name"]?.stringValue == KoinosBridgeEvent.tokensLocked })
            guard case .int(let sequence) = event["sequence"] else { throw KoinosError.malformedResponse("no sequence") }
            return (tx, UInt32(sequence))
        }

        func drain(_ watcher: KoinosLockWatcher) async throws {
            for _ in 0..<100 { if case .waiting = try await watcher.scanOnce() { return } }
            Issue.record("the watcher did not catch up in 100 windows")
        }
    }

    static func setUp(depth: Int, window: UInt32 = 500, profile: ContractProfile = .v2, extra: [String] = []) async throws -> Setup? {
        let validator = TestValidator.make(1)[0]
        let user = TestValidator(key: .generate())
        guard let sim = try await KoinosSimulatorProcess.start(validators: [validator], profile: profile, irreversibleDepth: depth, extra: [
            "--account", "\(user.base58):5000000000", "--balance", "KOIN:\(user.base58):1000000000",
            "--balance", "WETH:\(user.base58):1000000000",
        ] + extra) else { return nil }
        let chainID = try await sim.rpc.chainID()
        let judge = KoinosLockJudge.Configuration(
            profile: profile, tokens: [sim.koin: ethToken], ethereumBridge: ethBridge, ethereumChainID: 1, signatureLifetimeMs: 3_600_000)
        let configuration = KoinosLockWatcherConfiguration(bridgeContract: sim.bridge, chainID: chainID, judge: judge, maxBlocksPerWindow: window)
        return Setup(sim: sim, validator: validator, user: user, db: try BridgeDatabase(), configuration: configuration)
    }

    @Test(.timeLimit(.minutes(2)))
    func aLockIsSeenOnlyOnceItsBlockIsIrreversible() async throws {
        guard let s = try await Self.setUp(depth: 3) else { return }
        let watcher = s.watcher()
        try await watcher.verifyChain()
        try await s.sim.produceBlock(count: 5)  // a LIB above genesis, so the cursor moves before the lock
        let (tx, sequence) = try await s.lock(amount: 12_345)
        try await s.sim.produceBlock()
        let lockHeight = try await s.sim.rpc.headInfo().height
        try await s.drain(watcher)
        #expect(try await s.db.koinosLocks().isEmpty)
        #expect(try await watcher.cursor().nextHeight == lockHeight - 2)  // LIB = head − 3: the lock block is not read yet

        try await s.sim.produceBlock(count: 2)
        try await s.drain(watcher)
        #expect(try await s.db.koinosLocks().isEmpty)  // LIB = lockHeight − 1
        try await s.sim.produceBlock()
        try await s.drain(watcher)
        let stored = try await s.db.koinosLocks()
        #expect(stored.map(\.id) == [KoinosLockID(transactionID: tx, operationID: sequence)])
        #expect(sequence == 1)  // the token's transfer_event is sequence 0
        let lock = try #require(stored.first)
        #expect(lock.status == .observed && lock.blockHeight == lockHeight)
        let block = try #require(try await s.sim.rpc.blocksByHeight(headBlockID: try await s.sim.rpc.headInfo().headID, startHeight: lockHeight, count: 1).first)
        let expected = EthereumTransferMessage(
            profile: .v2, koinosTransactionID: tx, operationID: UInt64(sequence), token: Self.ethToken, recipient: Hex.decode(Self.recipient)!,
            value: 12_345, bridge: Self.ethBridge, expiration: block.timestampMs + 3_600_000, chainID: 1)
        #expect(lock.message == expected.packed())
        #expect(lock.digest == expected.digest)
        await s.sim.stop()
    }

    @Test(.timeLimit(.minutes(2)))
    func aLockInABlockAForkReplacedIsNeverStored() async throws {
        guard let s = try await Self.setUp(depth: 2) else { return }
        let watcher = s.watcher()
        let (tx, _) = try await s.lock(amount: 777)
        try await s.sim.produceBlock()
        try await s.drain(watcher)
        let forked = try await s.sim.control("fork", ["depth": .int(1)])
        #expect(forked["dropped_transactions"]?.arrayValue?.compactMap(\.stringValue) == [Hex.encode(tx)])
        try await s.sim.control("drop_pending")
        try await s.sim.produceBlock(count: 5)
        try await s.drain(watcher)
        #expect(try await s.db.koinosLocks().isEmpty)
        #expect(try await watcher.cursor().nextHeight == (try await s.sim.rpc.headInfo().lastIrreversibleBlock) + 1)
        #expect(try await s.sim.rpc.transactionsByID([tx]).isEmpty)
        await s.sim.stop()
    }

    @Test(.timeLimit(.minutes(2)))
    func aRestartBetweenWindowsLosesAndRepeatsNothing() async throws {
        guard let s = try await Self.setUp(depth: 0, window: 2) else { return }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("koinos-watcher-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var expected = [KoinosLockID]()
        for amount in 1...6 {
            let (tx, seq) = try await s.lock(amount: Int64(amount))
            try await s.sim.produceBlock()
            expected.append(KoinosLockID(transactionID: tx, operationID: seq))
        }
        do {
            let first = s.watcher(try BridgeDatabase(path: path))
            _ = try await first.scanOnce()
            _ = try await first.scanOnce()  // 4 of the 7+ blocks read, then the process "stops"
        }
        let reopened = try BridgeDatabase(path: path)
        let before = try await reopened.koinosLocks().count
        #expect(before > 0 && before < 6)
        let second = s.watcher(reopened)
        try await s.drain(second)
        let stored = try await reopened.koinosLocks()
        #expect(Set(stored.map(\.id)) == Set(expected) && stored.count == 6)
        #expect(stored.allSatisfy { $0.status == .observed })
        // committing a window again (a crash after the commit, before the caller knew) stores nothing twice
        let cursor = try await second.cursor()
        let again = try await SQLiteKoinosLockStore(reopened).commitKoinosScan(cursor: s.configuration.cursorName, to: KoinosScanCursor(nextHeight: 2, previousBlockID: []),
                                                         records: [], nowMs: 0)
        #expect(again.isEmpty)
        #expect(try await second.cursor() == cursor)  // never backwards
        await s.sim.stop()
    }

    @Test(.timeLimit(.minutes(2)))
    func anUnknownTokenIsStoredAsRejectedWithItsReason() async throws {
        guard let s = try await Self.setUp(depth: 0) else { return }
        let (tx, seq) = try await s.lock(amount: 50, token: "WETH")
        try await s.sim.produceBlock()
        try await s.drain(s.watcher())
        let stored = try await s.db.koinosLocks()
        #expect(stored.map(\.id) == [KoinosLockID(transactionID: tx, operationID: seq)])
        #expect(seq == 2)  // transfer_event, burn_event, then the lock
        #expect(stored.first?.status == .rejected && stored.first?.digest == nil)
        #expect(stored.first?.reason?.hasPrefix("unknown_token: Koinos token ") == true, "\(stored.first?.reason ?? "")")
        await s.sim.stop()
    }

    @Test(.timeLimit(.minutes(2)))
    func anEndpointOfAnotherChainIsRefused() async throws {
        guard let s = try await Self.setUp(depth: 0, extra: ["--chain-id", "0x1220" + String(repeating: "77", count: 32)]) else { return }
        var configuration = s.configuration
        configuration.chainID = [0x12, 0x20] + [UInt8](repeating: 0x88, count: 32)
        let watcher = KoinosLockWatcher(configuration: configuration, rpc: s.sim.rpc, store: SQLiteKoinosLockStore(s.db), clock: VirtualClock())
        await #expect(throws: KoinosLockWatcher.ChainMismatch.self) { try await watcher.verifyChain() }
        await #expect(throws: KoinosLockWatcher.ChainMismatch.self) { try await watcher.run() }
        #expect(try await SQLiteKoinosLockStore(s.db).koinosCursor(configuration.cursorName) == nil)
        await s.sim.stop()
    }

    @Test(.timeLimit(.minutes(2)))
    func aReSignRequestIsHonouredOnlyAfterTheWindowAndGivesANewDigest() async throws {
        guard let s = try await Self.setUp(depth: 0) else { return }
        let watcher = s.watcher()
        let lifetime: UInt64 = 3_600_000
        let (tx, sequence) = try await s.lock(amount: 900)
        try await s.sim.produceBlock()
        try await s.drain(watcher)
        let id = KoinosLockID(transactionID: tx, operationID: sequence)
        let first = try #require(try await s.db.koinosLock(id))
        let signer = KoinosLockSigner(key: s.user.key, profile: .v2, store: SQLiteKoinosSignatureStore(s.db), governorStore: SQLiteGovernorRepository(s.db), clock: VirtualClock())
        let userEth = EthereumAddress(publicKey: s.user.key.publicKey).bytes
        #expect(try await signer.signPending(validators: [userEth]).count == 1)

        func request(_ op: String) async throws {
            try await s.sim.control("request_new_signatures", [
                "private_key": .string(Hex.encode(s.user.key.rawRepresentation)), "transaction_id": .string(Hex.encode(tx)), "operation_id": .string(op)])
            try await s.sim.produceBlock()
            try await s.drain(watcher)
        }
        try await request(String(sequence))  // right away: too early, nothing changes
        var now = try #require(try await s.db.koinosLock(id))
        #expect(now.digest == first.digest && now.status == "signing" && now.expiration == first.expiration)

        // the chain's clock moves past old expiration + lifetime (the simulator's time offset)
        let expiration = try #require(first.expiration)
        let head = try await s.sim.rpc.headInfo().headBlockTimeMs
        let offset = Int64(expiration + lifetime - head) + 5_000
        try await s.sim.control("set_time_offset", ["offset_ms": .int(offset)])
        try await request("")  // empty operation id: 1 is tried first, as the old validator did
        now = try #require(try await s.db.koinosLock(id))
        let requestBlock = try await s.sim.rpc.headInfo()
        #expect(now.status == "observed" && now.expiration == requestBlock.headBlockTimeMs + lifetime)
        #expect(now.digest != first.digest)
        let renewed = EthereumTransferMessage(
            profile: .v2, koinosTransactionID: tx, operationID: UInt64(sequence), token: Self.ethToken, recipient: Hex.decode(Self.recipient)!,
            value: 900, bridge: Self.ethBridge, expiration: requestBlock.headBlockTimeMs + lifetime, chainID: 1)
        #expect(now.digest == renewed.digest && now.message == renewed.packed())
        // the old signature stays with the old digest; the new digest gets a new one, not an equivocation
        #expect(try await SQLiteKoinosSignatureStore(s.db).koinosSignatures(digest: first.digest ?? []).count == 1)
        #expect(try await signer.signPending(validators: [userEth]).count == 1)
        #expect(try await SQLiteKoinosSignatureStore(s.db).koinosSignatures(digest: renewed.digest).count == 1)
        await s.sim.stop()
    }
}
