// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import Foundation
import GRDB

/// What one stored Koinos lock looks like when read back.
public struct StoredKoinosLock: Sendable, Hashable {
    public var id: KoinosLockID
    public var status: AttestationStatus
    public var reason: String?
    public var blockHeight: UInt64
    public var digest: [UInt8]?
    public var message: [UInt8]?
}

extension BridgeDatabase {
    /// Every stored Koinos lock, by block height then transaction id and operation id.
    public func koinosLocks() async throws -> [StoredKoinosLock] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, status, reason, block_height, digest, message FROM koinos_observation
                ORDER BY block_height, tx_id, operation_id
                """).compactMap { row in
                guard let id = KoinosLockID(row["id"] as String), let status = AttestationStatus(rawValue: row["status"]) else { return nil }
                return StoredKoinosLock(
                    id: id, status: status, reason: row["reason"], blockHeight: UInt64(clamping: row["block_height"] as Int64),
                    digest: (row["digest"] as Data?).map { [UInt8]($0) }, message: (row["message"] as Data?).map { [UInt8]($0) })
            }
        }
    }
}

/// One page of Koinos locks and the cursor of the next page (nil on the last page).
public struct KoinosLockPage: Sendable, Hashable {
    public var items: [KoinosLockView]
    public var nextCursor: AttestationCursor?

    public init(items: [KoinosLockView], nextCursor: AttestationCursor?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}

extension BridgeDatabase {
    /// The stored lock (any status) with its current digest's signatures, or nil (the inspection API's read).
    public func koinosLock(_ id: KoinosLockID) async throws -> KoinosLockView? {
        try await SQLiteKoinosLockStore(self).koinosLock(id)
    }

    /// Stored locks, newest first by (created_at_ms, id) — the order and cursor of the first
    /// direction's list — optionally of one status, continuing after `after`.
    public func koinosLocks(status: AttestationStatus?, after: AttestationCursor?, limit: Int) async throws -> KoinosLockPage {
        let limit = min(max(limit, 1), AttestationQuery.maximumLimit)
        return try await writer.read { db in
            let position = after.map { (Int64(clamping: $0.createdAtMs), $0.id) }
            let rows = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT * FROM koinos_observation WHERE (?1 IS NULL OR status = ?1)
                AND (?2 IS NULL OR created_at_ms < ?2 OR (created_at_ms = ?2 AND id < ?3))
                ORDER BY created_at_ms DESC, id DESC LIMIT ?4
                """), arguments: [status?.rawValue, position?.0, position?.1, limit + 1])
            let items = try rows.prefix(limit).compactMap { row -> KoinosLockView? in
                guard let id = KoinosLockID(row["id"] as String) else { return nil }
                return try Self.view(row, id: id, db: db)
            }
            var next: AttestationCursor?
            if rows.count > limit, let last = rows.prefix(limit).last {
                next = AttestationCursor(createdAtMs: UInt64(clamping: last["created_at_ms"] as Int64), id: last["id"])
            }
            return KoinosLockPage(items: items, nextCursor: next)
        }
    }

    static func view(_ row: Row, id: KoinosLockID, db: Database) throws -> KoinosLockView {
        let digest = (row["digest"] as Data?).map { [UInt8]($0) }
        var signatures = [KoinosLockSignature]()
        if let digest {
            signatures = try Row.fetchAll(db.cachedStatement(sql: "SELECT validator, signature FROM koinos_signature WHERE digest = ? ORDER BY validator"),
                                          arguments: [Data(digest)]).map {
                KoinosLockSignature(id: id, digest: digest, validator: [UInt8]($0["validator"] as Data), signature: [UInt8]($0["signature"] as Data))
            }
        }
        var view = KoinosLockView(
            id: id, profile: row["profile"], status: row["status"], reason: row["reason"],
            blockHeight: UInt64(clamping: row["block_height"] as Int64), blockTimeMs: UInt64(clamping: row["block_time_ms"] as Int64),
            sender: [UInt8](row["sender"] as Data), token: [UInt8](row["token"] as Data), ethToken: (row["eth_token"] as Data?).map { [UInt8]($0) },
            amount: row["amount"], payment: row["payment"], recipient: row["recipient"], relayer: row["relayer"], metadata: row["metadata"],
            destinationChain: UInt32(clamping: row["destination_chain"] as Int64), expiration: (row["expiration"] as Int64?).map { UInt64(clamping: $0) },
            digest: digest, message: (row["message"] as Data?).map { [UInt8]($0) }, signatures: signatures)
        view.createdAtMs = UInt64(clamping: row["created_at_ms"] as Int64)
        view.updatedAtMs = UInt64(clamping: row["updated_at_ms"] as Int64)
        if let delivery = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT status, transaction_hashes, completing_transaction FROM ethereum_delivery WHERE transfer_id = ?"),
            arguments: [id.description]) {
            view.applyDelivery(
                status: delivery["status"], transactionHashes: [UInt8](delivery["transaction_hashes"] as Data),
                completing: (delivery["completing_transaction"] as Data?).map { [UInt8]($0) })
        }
        return view
    }
}

extension KoinosLockView {
    /// Fills the Ethereum side from the lock's `ethereum_delivery` row: the latest transaction
    /// sent (the completing one once known), and the completing one once the delivery completed.
    mutating func applyDelivery(status: String, transactionHashes hashes: [UInt8], completing: [UInt8]?) {
        ethereumTransaction = completing ?? (hashes.count >= 32 && hashes.count % 32 == 0 ? Array(hashes.suffix(32)) : nil)
        if status == DeliveryRecord.Status.completed.rawValue { ethereumCompletion = completing }
    }
}
