// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import Foundation
import GRDB

/// The Koinos → Ethereum signatures (`koinos_signature`, the locks' `signing` → `quorum` moves)
/// behind the `KoinosSignatureStore` port, over the node's one database writer. Runs on GRDB's
/// queues; callers await.
public struct SQLiteKoinosSignatureStore: KoinosSignatureStore {
    let writer: any DatabaseWriter

    public init(_ database: BridgeDatabase) {
        writer = database.writer
    }

    /// `observed` Koinos locks with a message (oldest block first), at most `limit`.
    public func koinosLocksToSign(limit: Int = 100) async throws -> [KoinosLockToSign] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, digest, message FROM koinos_observation
                WHERE status = 'observed' AND digest IS NOT NULL AND message IS NOT NULL
                ORDER BY block_height, tx_id, operation_id LIMIT ?
                """, arguments: [limit]).compactMap { row in
                guard let id = KoinosLockID(row["id"] as String) else { return nil }
                return KoinosLockToSign(id: id, digest: [UInt8](row["digest"] as Data), message: [UInt8](row["message"] as Data))
            }
        }
    }

    /// Stores signatures (a repeated (digest, validator) is ignored) in one transaction; `own`
    /// ones move their lock from `observed` to `signing`. Returns how many were new.
    @discardableResult
    public func storeKoinosSignatures(_ signatures: [KoinosLockSignature], own: Bool, nowMs: UInt64) async throws -> Int {
        try await writer.write { db in
            var added = 0
            for s in signatures {
                try db.execute(sql: """
                    INSERT OR IGNORE INTO koinos_signature (digest, validator, observation_id, signature, own, received_at_ms)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [Data(s.digest), Data(s.validator), s.id.description, Data(s.signature), own, Int64(clamping: nowMs)])
                added += db.changesCount
                if own {
                    try db.execute(sql: """
                        UPDATE koinos_observation SET status = 'signing', updated_at_ms = ? WHERE id = ? AND status = 'observed' AND digest = ?
                        """, arguments: [Int64(clamping: nowMs), s.id.description, Data(s.digest)])
                }
            }
            return added
        }
    }

    /// Every stored signature of `digest`.
    public func koinosSignatures(digest: [UInt8]) async throws -> [KoinosLockSignature] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT observation_id, validator, signature FROM koinos_signature WHERE digest = ? ORDER BY validator
                """, arguments: [Data(digest)]).compactMap { row in
                guard let id = KoinosLockID(row["observation_id"] as String) else { return nil }
                return KoinosLockSignature(id: id, digest: digest, validator: [UInt8](row["validator"] as Data),
                                           signature: [UInt8](row["signature"] as Data))
            }
        }
    }

    /// The current digests of the newest `limit` locks still `signing` that `validator` signed
    /// (what the catch-up asks the peers about): one indexed query, no signature rows loaded.
    public func koinosDigestsAwaitingPeers(signedBy validator: [UInt8], limit: Int) async throws -> [[UInt8]] {
        try await writer.read { db in
            try Data.fetchAll(db.cachedStatement(sql: """
                SELECT o.digest FROM koinos_observation o
                JOIN koinos_signature s ON s.digest = o.digest AND s.validator = ?
                WHERE o.status = 'signing' ORDER BY o.block_height DESC, o.tx_id, o.operation_id LIMIT ?
                """), arguments: [Data(validator), limit]).map { [UInt8]($0) }
        }
    }

    /// Records the contract-minimal set for the lock's CURRENT digest: status `quorum`, the
    /// signatures concatenated in submission order. A set for a stale digest changes nothing.
    /// Returns whether the row changed.
    @discardableResult
    public func markKoinosQuorum(_ id: KoinosLockID, digest: [UInt8], submission: [ValidatorSignature], nowMs: UInt64) async throws -> Bool {
        try await writer.write { db in
            try db.execute(sql: """
                UPDATE koinos_observation SET status = 'quorum', submission = ?, quorum_at_ms = ?, updated_at_ms = ?
                WHERE id = ? AND digest = ? AND status IN ('observed', 'signing')
                """, arguments: [Data(submission.flatMap(\.signature)), Int64(clamping: nowMs), Int64(clamping: nowMs),
                                 id.description, Data(digest)])
            return db.changesCount > 0
        }
    }

    /// Stored locks, newest block first (then transaction id and operation id), optionally of one status.
    public func koinosLocks(status: AttestationStatus?, limit: Int) async throws -> [KoinosLockView] {
        try await writer.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT * FROM koinos_observation WHERE (? IS NULL OR status = ?)
                ORDER BY block_height DESC, tx_id, operation_id LIMIT ?
                """, arguments: [status?.rawValue, status?.rawValue, limit])
            return try rows.compactMap { row in
                guard let id = KoinosLockID(row["id"] as String) else { return nil }
                return try BridgeDatabase.view(row, id: id, db: db)
            }
        }
    }

    public func koinosLock(_ id: KoinosLockID) async throws -> KoinosLockView? {
        try await SQLiteKoinosLockStore(writer: writer).koinosLock(id)
    }
}

extension BridgeDatabase {
    /// The stored submission set of a lock at quorum (65-byte signatures in order), or nil.
    public func koinosSubmission(_ id: KoinosLockID) async throws -> [[UInt8]]? {
        try await writer.read { db in
            guard let data = try Data.fetchOne(db, sql: "SELECT submission FROM koinos_observation WHERE id = ? AND status = 'quorum'",
                                               arguments: [id.description]) else { return nil }
            let bytes = [UInt8](data)
            guard bytes.count % 65 == 0 else { return nil }
            return stride(from: 0, to: bytes.count, by: 65).map { Array(bytes[$0..<$0 + 65]) }
        }
    }
}
