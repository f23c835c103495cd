// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeStore
import Foundation
import GRDB
import Testing

/// The store side of `transfer_completed_event` (real SQLite): the observation of the Ethereum tx
/// hash becomes `completed` in the window's transaction, an existing submission row keeps this
/// node's own Koinos transaction id, a rejected observation stays rejected, a second event for the
/// same hash changes nothing, and an unknown hash leaves no row.
struct KoinosCompletionStoreTests {
    static func observation(_ db: BridgeDatabase, hash: [UInt8], status: String) throws -> String {
        let id = QuorumFixture.observationID(hash)
        try db.writer.write { db in
            try db.execute(sql: """
                INSERT INTO observation (id, chain_id, tx_hash, log_index, profile, block_number, block_hash, sender, token, amount, payment,
                  recipient, relayer, metadata, block_time_ms, destination_chain, status, created_at_ms, updated_at_ms)
                VALUES (?, 31337, ?, 0, 'v1', 1, ?, ?, ?, '5', '0', 'r', '', '', 1, 0, ?, 1, 1)
                """, arguments: [id, Data(hash), Data(count: 32), Data(count: 20), Data(count: 20), status])
        }
        return id
    }

    @Test func aCompletionEventSettlesTheObservationOnce() async throws {
        let db = try BridgeDatabase()
        let submitted = [UInt8](repeating: 0x51, count: 32), rejected = [UInt8](repeating: 0x52, count: 32)
        let ours = try Self.observation(db, hash: submitted, status: "submitted")
        let refused = try Self.observation(db, hash: rejected, status: "rejected")
        let ownTx = [UInt8]([0x12, 0x20]) + [UInt8](repeating: 0x0f, count: 32)
        try await SQLiteSubmissionQueue(db).saveSubmission(SubmissionRecord(observationID: ours, koinosTransactionID: ownTx, status: .submitted, attempts: 1, updatedAtMs: 1))
        let completing = [UInt8]([0x12, 0x20]) + [UInt8](repeating: 0xcc, count: 32)
        func event(_ hash: [UInt8]) -> KoinosTransferCompletion {
            KoinosTransferCompletion(ethereumTransactionHash: hash, koinosTransactionID: completing, blockHeight: 42)
        }
        let unknown = [UInt8](repeating: 0x53, count: 32)
        let commit = try await SQLiteKoinosLockStore(db).commitKoinosWindow(
            cursor: "k", to: KoinosScanCursor(nextHeight: 43, previousBlockID: [1]), records: [], resigns: [],
            completions: [event(submitted), event(rejected), event(unknown)], nowMs: 100)
        #expect(commit.completions == [.completed([ours]), .alreadySettled, .unknown])
        #expect(try QuorumFixture.observationStatus(ours, in: db) == "completed")
        #expect(try QuorumFixture.observationStatus(refused, in: db) == "rejected")
        let row = try #require(try await db.submission(for: ours))
        #expect(row.status == .completed && row.koinosTransactionID == ownTx && row.completedSeenAtHeight == 42 && row.nextAttemptAtMs == nil)
        #expect(row.lastError == "completed on Koinos by transaction \(Hex.encode(completing)) (transfer_completed_event, block 42)")
        #expect(try await db.allSubmissions().map(\.observationID) == [ours])
        #expect(try await SQLiteKoinosLockStore(db).koinosCursor("k") == KoinosScanCursor(nextHeight: 43, previousBlockID: [1]))

        let again = try await SQLiteKoinosLockStore(db).commitKoinosWindow(
            cursor: "k", to: KoinosScanCursor(nextHeight: 44, previousBlockID: [2]), records: [], resigns: [], completions: [event(submitted)], nowMs: 200)
        #expect(again.completions == [.alreadySettled])
        #expect(try await db.submission(for: ours)?.updatedAtMs == 100)
    }
}
