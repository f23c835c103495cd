// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import Foundation
import GRDB

extension BridgeDatabase {
    /// Stores `records` and moves cursor `name` to `nextBlock` in ONE transaction.
    ///
    /// A crash before the commit loses both (the range is rescanned); after it, both are durable.
    /// So an observation is never lost and never stored twice. The cursor never moves backwards.
    ///
    /// `completions` and `resigns` (judged bridge events of the same range) are applied in the
    /// same transaction, so a rescan after a crash neither loses nor repeats them.
    public func commitScan(
        cursor name: String, nextBlock: UInt64, records: [ObservationRecord], completions: [EthereumCompletion] = [],
        resigns: [ObservationResign] = [], nowMs: UInt64
    ) async throws -> ScanCommit {
        try await writer.write { db in
            var commit = ScanCommit(inserted: [], duplicates: [])
            for record in records {
                try Self.insert(record, db: db, nowMs: nowMs)
                if db.changesCount > 0 { commit.inserted.append(record.observation.id) } else { commit.duplicates.append(record.observation.id) }
            }
            for completion in completions {
                if try Self.apply(completion, db: db, nowMs: nowMs) { commit.completed.append(completion.lock) }
            }
            for resign in resigns {
                if try Self.apply(resign, db: db, nowMs: nowMs) { commit.resigned.append(resign.id) }
            }
            try db.execute(
                sql: """
                    INSERT INTO cursor (name, block_number, updated_at_ms) VALUES (?, ?, ?)
                    ON CONFLICT(name) DO UPDATE SET block_number = max(block_number, excluded.block_number),
                    updated_at_ms = excluded.updated_at_ms
                    """,
                arguments: [name, Int64(clamping: nextBlock), Int64(clamping: nowMs)])
            return commit
        }
    }

    /// The first block not yet scanned for cursor `name`, or nil when it was never saved.
    public func cursorBlock(_ name: String) async throws -> UInt64? {
        try await writer.read { db in
            try Int64.fetchOne(db, sql: "SELECT block_number FROM cursor WHERE name = ?", arguments: [name]).map { UInt64($0) }
        }
    }

    /// Status and reason of every stored observation of `chainID`, ordered by block and log index.
    public func observationStatuses(chainID: UInt64) async throws -> [(id: ObservationID, status: AttestationStatus, reason: String?)] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, status, reason FROM observation WHERE chain_id = ? ORDER BY block_number, log_index
                """, arguments: [Int64(clamping: chainID)]).compactMap { row in
                guard let id = ObservationID(row["id"] as String), let status = AttestationStatus(rawValue: row["status"]) else { return nil }
                return (id, status, row["reason"] as String?)
            }
        }
    }

    static func insert(_ r: ObservationRecord, db: Database, nowMs: UInt64) throws {
        let o = r.observation
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO observation (id, chain_id, tx_hash, log_index, profile, block_number, block_hash,
                sender, token, amount, payment, recipient, relayer, metadata, block_time_ms, destination_chain, status,
                reason, koinos_token, koinos_contract, expiration, message, digest, created_at_ms, updated_at_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                o.id.description, Int64(clamping: o.id.chainID), Data(o.id.transactionHash), Int64(o.id.logIndex),
                o.profile.rawValue, Int64(clamping: o.blockNumber), Data(o.blockHash), Data(o.sender), Data(o.token),
                r.amountText, r.paymentText, o.recipient, o.relayer, o.metadata, Int64(clamping: o.blockTimeMs),
                Int64(o.destinationChain), r.status.rawValue, r.reason, r.message.map { Data($0.token) },
                r.message.map { Data($0.contractID) }, r.message.map { Int64(clamping: $0.expiration) },
                r.message.map { Data($0.encoded()) }, r.digest.map { Data($0) }, Int64(clamping: nowMs), Int64(clamping: nowMs),
            ])
    }
}
