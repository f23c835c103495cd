// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import Foundation
import GRDB

/// The Koinos lock watcher's store: `koinos_observation` and `koinos_cursor` behind the
/// `KoinosLockStore` port, over the node's one database writer (`BridgeDatabase` owns the pool, the
/// migrations and the commit observers). Runs on GRDB's queues; callers await.
public struct SQLiteKoinosLockStore: KoinosLockStore {
    let writer: any DatabaseWriter

    public init(_ database: BridgeDatabase) {
        writer = database.writer
    }

    init(writer: any DatabaseWriter) {
        self.writer = writer
    }

    /// The window's locks, re-signs and `transfer_completed_event`s (`applyKoinosCompletion`)
    /// with the cursor, in one transaction (see `KoinosLockStore`).
    public func commitKoinosWindow(
        cursor name: String, to cursor: KoinosScanCursor, records: [KoinosLockRecord], resigns: [KoinosResign],
        completions: [KoinosTransferCompletion], nowMs: UInt64
    ) async throws -> KoinosWindowCommit {
        try await writer.write { db in
            var commit = KoinosWindowCommit()
            for record in records {
                try Self.insert(record, db: db, nowMs: nowMs)
                if db.changesCount > 0 { commit.inserted.append(record.observation.id) }
            }
            for r in resigns {
                try db.execute(sql: """
                    UPDATE koinos_observation SET status = 'observed', expiration = ?, message = ?, digest = ?, submission = NULL,
                    quorum_at_ms = NULL, updated_at_ms = ? WHERE id = ? AND status IN ('observed', 'signing', 'quorum', 'expired')
                    """, arguments: [Int64(clamping: r.expiration), Data(r.message), Data(r.digest), Int64(clamping: nowMs), r.id.description])
            }
            for completion in completions {
                commit.completions.append(try BridgeDatabase.applyKoinosCompletion(completion, db: db, nowMs: nowMs))
            }
            try db.execute(
                sql: """
                    INSERT INTO koinos_cursor (name, next_height, previous_block_id, updated_at_ms) VALUES (?, ?, ?, ?)
                    ON CONFLICT(name) DO UPDATE SET next_height = excluded.next_height, previous_block_id = excluded.previous_block_id,
                    updated_at_ms = excluded.updated_at_ms WHERE excluded.next_height > koinos_cursor.next_height
                    """,
                arguments: [name, Int64(clamping: cursor.nextHeight), Data(cursor.previousBlockID), Int64(clamping: nowMs)])
            return commit
        }
    }

    /// The stored Koinos cursor `name`, or nil when no window was ever committed.
    public func koinosCursor(_ name: String) async throws -> KoinosScanCursor? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT next_height, previous_block_id FROM koinos_cursor WHERE name = ?", arguments: [name]).map { row in
                KoinosScanCursor(nextHeight: UInt64(clamping: row["next_height"] as Int64), previousBlockID: [UInt8](row["previous_block_id"] as Data))
            }
        }
    }

    /// The stored lock (any status) with its current digest's signatures, or nil.
    public func koinosLock(_ id: KoinosLockID) async throws -> KoinosLockView? {
        try await writer.read { db in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM koinos_observation WHERE id = ?"), arguments: [id.description]) else { return nil }
            return try BridgeDatabase.view(row, id: id, db: db)
        }
    }

    static func insert(_ r: KoinosLockRecord, db: Database, nowMs: UInt64) throws {
        let o = r.observation
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO koinos_observation (id, direction, tx_id, operation_id, profile, block_height, block_id,
                block_time_ms, sender, token, amount, payment, recipient, relayer, metadata, destination_chain, status, reason,
                eth_token, expiration, message, digest, created_at_ms, updated_at_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                o.id.description, TransferDirection.koinosToEthereum.rawValue, Data(o.id.transactionID), Int64(o.id.operationID),
                o.profile.rawValue, Int64(clamping: o.blockHeight), Data(o.blockID), Int64(clamping: o.blockTimeMs), Data(o.sender),
                Data(o.token), o.amount, o.payment, o.recipient, o.relayer, o.metadata, Int64(o.destinationChain), r.status.rawValue,
                r.reason, r.message.map { Data($0.token) }, r.message.map { Int64(clamping: $0.expiration) },
                r.message.map { Data($0.packed()) }, r.digest.map { Data($0) }, Int64(clamping: nowMs), Int64(clamping: nowMs),
            ])
    }
}
