// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeKoinos
import BridgeSigning
import BridgeStore
import BridgeTesting
import ChainCrypto
import CurlTransport
import Foundation
import GRDB
import JSONRPC
import Koinos
import KoinosTestSupport
import ProcessTestSupport
import Testing

/// The Koinos lock watcher against the real simulator and SQLite, for what a window carries
/// besides locks and for how it links: the bridge's `transfer_completed_event` completes the
/// Ethereum → Koinos observation whoever submitted it (only once its block is irreversible;
/// unknown ids ignored), a reverted receipt's lock is never stored nor signed, a stored cursor
/// that does not link is refused with a clear error, and a fresh start links its first window
/// to the block below it.
@Suite(.serialized)
struct KoinosWatcherEventsTests {
    static var wallNow: UInt64 { SystemBridgeClock().nowMilliseconds }

    @Test(.timeLimit(.minutes(2)))
    func aTransferCompletedBySomeoneElseBecomesCompletedOnceIrreversible() async throws {
        guard let s = try await KoinosLockWatcherTests.setUp(depth: 2, profile: .v1) else { return }
        let watcher = s.watcher()
        try await s.lock(amount: 1_000_000)  // the bridge holds KOIN to pay out
        try await s.sim.produceBlock()
        // an Ethereum → Koinos observation this node holds at quorum, but never submits
        let message = QuorumFixture.message(s.sim, profile: .v1, recipient: s.user.address, amount: 700, nowMs: Self.wallNow)
        let id = try QuorumFixture.store(message, signers: [s.validator], in: s.db, quorumAtMs: Self.wallNow)
        // a completion of a transfer this node never saw
        let stranger = QuorumFixture.message(s.sim, profile: .v1, recipient: s.user.address, amount: 5, nowMs: Self.wallNow)
        for m in [message, stranger] {
            let signature = try KoinosSignature.sign(digest: m.digest, key: s.validator.key)
            try await s.sim.submitCall(
                from: s.validator, entryPoint: KoinosEntryPoint.completeTransfer, args: m.completeTransferArguments(signatures: [signature]).encoded(.v1))
            try await s.sim.produceBlock()
        }
        var outcomes = [KoinosCompletionOutcome]()
        func drain() async throws {
            for _ in 0..<100 {
                switch try await watcher.scanOnce() {
                case .waiting: return
                case .committed(_, _, _, let completions): outcomes += completions
                }
            }
        }
        try await drain()
        #expect(try QuorumFixture.observationStatus(id, in: s.db) == "quorum")  // the completing block is above the LIB
        #expect(outcomes.isEmpty)

        try await s.sim.produceBlock(count: 2)
        try await drain()
        #expect(outcomes == [.completed([id]), .unknown])
        #expect(try QuorumFixture.observationStatus(id, in: s.db) == "completed")
        let row = try #require(try await s.db.submission(for: id))
        #expect(row.status == .completed && row.koinosTransactionID == nil)  // this node sent nothing
        #expect(row.lastError?.contains("transfer_completed_event") == true, "\(row.lastError ?? "")")
        #expect(try await s.db.allSubmissions().count == 1)  // the unknown one left no trace
        await s.sim.stop()
    }

    @Test(.timeLimit(.minutes(2)))
    func aRevertedReceiptsLockIsNeitherStoredNorSigned() async throws {
        guard let s = try await KoinosLockWatcherTests.setUp(depth: 0) else { return }
        let (reverted, _) = try await s.lock(amount: 400, reverted: true)
        try await s.sim.produceBlock()
        let (kept, sequence) = try await s.lock(amount: 401)
        try await s.sim.produceBlock()
        // the reverted receipt is really in a block, with the bridge's lock event
        let head = try await s.sim.rpc.headInfo()
        let items = try await s.sim.rpc.blocksByHeight(headBlockID: head.headID, startHeight: head.height - 1, count: 1)
        let receipt = try #require(items.first?.transactionReceipts.first)
        #expect(receipt.id == reverted && receipt.reverted)
        #expect(receipt.events.contains { $0.name == KoinosBridgeEvent.tokensLocked && $0.source == s.sim.bridge })

        try await s.drain(s.watcher())
        #expect(try await s.db.koinosLocks().map(\.id) == [KoinosLockID(transactionID: kept, operationID: sequence)])
        let signer = KoinosLockSigner(key: s.validator.key, profile: .v2, store: SQLiteKoinosSignatureStore(s.db), governorStore: SQLiteGovernorRepository(s.db), clock: VirtualClock())
        let signed = try await signer.signPending(validators: [EthereumAddress(publicKey: s.validator.key.publicKey).bytes])
        #expect(signed.count == 1)
        #expect(try await s.db.koinosLock(KoinosLockID(transactionID: reverted, operationID: 1)) == nil)
        await s.sim.stop()
    }

    @Test(.timeLimit(.minutes(2)))
    func aStoredCursorThatDoesNotLinkIsRefusedWithAClearError() async throws {
        guard let s = try await KoinosLockWatcherTests.setUp(depth: 0) else { return }
        let watcher = s.watcher()
        try await s.sim.produceBlock(count: 3)
        try await s.drain(watcher)
        let stored = try await watcher.cursor()
        let foreign = [UInt8]([0x12, 0x20]) + [UInt8](repeating: 0xab, count: 32)
        try await s.db.writer.write { db in
            try db.execute(sql: "UPDATE koinos_cursor SET previous_block_id = ?", arguments: [Data(foreign)])
        }
        try await s.lock(amount: 10)
        try await s.sim.produceBlock()
        var refusal: KoinosWatcherError?
        do { _ = try await watcher.scanOnce() } catch let error as KoinosWatcherError { refusal = error }
        guard case .noUsableEndpoint(let fault?) = refusal else { Issue.record("not refused: \(String(describing: refusal))"); return }
        guard case .cursorDoesNotLink(let height, let cursorID, _) = fault.error as? KoinosWindowError else {
            Issue.record("another refusal: \(fault)")
            return
        }
        #expect(height == stored.nextHeight && cursorID == foreign)
        #expect("\(fault)".contains("the stored cursor ends at block \(stored.nextHeight - 1)"), "\(fault)")
        #expect(try await s.db.koinosLocks().isEmpty)
        #expect(try await watcher.cursor() == KoinosScanCursor(nextHeight: stored.nextHeight, previousBlockID: foreign))
        await s.sim.stop()
    }

    @Test(.timeLimit(.minutes(2)))
    func aFreshStartLinksItsFirstWindowToTheBlockBelow() async throws {
        guard let s = try await KoinosLockWatcherTests.setUp(depth: 0) else { return }
        try await s.sim.produceBlock(count: 4)
        let (tx, sequence) = try await s.lock(amount: 20)
        try await s.sim.produceBlock()  // the lock is in block 5
        let liar = try await FaultServer.start(upstream: s.sim.rpcURL)
        let lying = KoinosRPCClient(transport: CurlHTTPTransport(url: liar.url))
        _ = try await lying.client.call("fault_setMode", .array([.string("lie"), .object(["koinos_previous_at": .int(5)])]))
        var configuration = s.configuration
        configuration.startHeight = 5  // no cursor: the window starts at the lock's block
        let fooled = KoinosLockWatcher(configuration: configuration, rpc: lying, store: SQLiteKoinosLockStore(s.db), clock: VirtualClock())
        await #expect(throws: KoinosWatcherError.self) { _ = try await fooled.scanOnce() }
        #expect(try await s.db.koinosLocks().isEmpty)
        #expect(try await SQLiteKoinosLockStore(s.db).koinosCursor(configuration.cursorName) == nil)

        let honest = KoinosLockWatcher(configuration: configuration, rpc: s.sim.rpc, store: SQLiteKoinosLockStore(s.db), clock: VirtualClock())
        guard case .committed(let start, let cursor, let inserted, _) = try await honest.scanOnce() else {
            Issue.record("the honest endpoint's window was not committed")
            return
        }
        #expect(start == 5 && inserted == [KoinosLockID(transactionID: tx, operationID: sequence)])
        let head = try await s.sim.rpc.headInfo()
        #expect(cursor == KoinosScanCursor(nextHeight: head.height + 1, previousBlockID: head.headID))
        await liar.stop()
        await s.sim.stop()
    }
}
