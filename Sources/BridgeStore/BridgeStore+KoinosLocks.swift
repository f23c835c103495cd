// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import Foundation
import GRDB

/// One judged Koinos-side lock as the Koinos lock watcher persists it: valid (`observed`, with the
/// Ethereum-bound message and its EIP-191 digest) or `rejected` with a reason.
public struct KoinosLockRecord: Sendable, Hashable {
    public var observation: KoinosLockObservation
    public var status: AttestationStatus
    public var reason: String?
    public var message: EthereumTransferMessage?
    /// keccak256("\x19Ethereum Signed Message:\n32" ‖ keccak256(message.packed())).
    public var digest: [UInt8]?

    public init(observation: KoinosLockObservation, status: AttestationStatus, reason: String?,
                message: EthereumTransferMessage? = nil, digest: [UInt8]? = nil) {
        self.observation = observation
        self.status = status
        self.reason = reason
        self.message = message
        self.digest = digest
    }
}

/// A lock signed again after an honoured `request_new_signatures`: new expiration, message, digest.
public struct KoinosResign: Sendable, Hashable {
    public var id: KoinosLockID
    public var expiration: UInt64
    /// The packed Ethereum message with the new expiration.
    public var message: [UInt8]
    public var digest: [UInt8]

    public init(id: KoinosLockID, expiration: UInt64, message: [UInt8], digest: [UInt8]) {
        self.id = id
        self.expiration = expiration
        self.message = message
        self.digest = digest
    }
}

/// Where the Koinos scan stands: the next height to read and the id of the block below it.
public struct KoinosScanCursor: Sendable, Hashable {
    public var nextHeight: UInt64
    /// Id of block `nextHeight - 1`; the next window's first block must name it as `previous`.
    /// Empty before the first window (nothing to link to yet).
    public var previousBlockID: [UInt8]

    public init(nextHeight: UInt64, previousBlockID: [UInt8]) {
        self.nextHeight = nextHeight
        self.previousBlockID = previousBlockID
    }
}

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
    /// Stores `records` and moves Koinos cursor `name` to `cursor` in ONE transaction: a crash
    /// loses both (the window is read again) or keeps both, so a lock is never lost or stored twice.
    /// Returns the ids stored by this commit (a rescan's duplicates are left out). The cursor never
    /// moves backwards.
    ///
    /// `resigns` (honoured re-sign requests of this window) go back to `observed` with their new
    /// expiration, message and digest in the same transaction; the old digest's signatures stay
    /// stored under the old digest and are never counted for the new one.
    public func commitKoinosScan(
        cursor name: String, to cursor: KoinosScanCursor, records: [KoinosLockRecord], resigns: [KoinosResign] = [], nowMs: UInt64
    ) async throws -> [KoinosLockID] {
        try await commitKoinosWindow(cursor: name, to: cursor, records: records, resigns: resigns, nowMs: nowMs).inserted
    }

    /// `commitKoinosScan` with the window's `transfer_completed_event`s too: each completes the
    /// Ethereum → Koinos observations of its Ethereum transaction in the same transaction
    /// (`applyKoinosCompletion`). Returns what the commit stored and completed.
    public func commitKoinosWindow(
        cursor name: String, to cursor: KoinosScanCursor, records: [KoinosLockRecord], resigns: [KoinosResign] = [],
        completions: [KoinosTransferCompletion] = [], nowMs: UInt64
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
                commit.completions.append(try Self.applyKoinosCompletion(completion, db: db, nowMs: nowMs))
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

/// One stored Koinos lock with its current digest's signatures, as the API shows it.
public struct KoinosLockView: Sendable, Hashable {
    public var id: KoinosLockID
    public var profile: String
    public var status: String
    public var reason: String?
    public var blockHeight: UInt64
    public var blockTimeMs: UInt64
    public var sender: [UInt8]
    public var token: [UInt8]
    public var ethToken: [UInt8]?
    public var amount: String
    public var payment: String
    public var recipient: String
    public var relayer: String
    public var metadata: String
    public var destinationChain: UInt32
    public var expiration: UInt64?
    public var digest: [UInt8]?
    /// The packed Ethereum message the digest was computed from.
    public var message: [UInt8]?
    /// Signatures of the current digest, by validator address.
    public var signatures: [KoinosLockSignature]
    /// This node's latest `completeTransfer` transaction for the lock (32-byte hash), if it sent one.
    public var ethereumTransaction: [UInt8]?
    /// The transaction that completed the lock on Ethereum, once final.
    public var ethereumCompletion: [UInt8]?
    /// When this node stored the lock, and when its row last changed (Unix ms).
    public var createdAtMs: UInt64 = 0
    public var updatedAtMs: UInt64 = 0

    /// - Parameters: one per stored column (see `BridgeSchema.createKoinosLocks`).
    public init(
        id: KoinosLockID, profile: String, status: String, reason: String?, blockHeight: UInt64, blockTimeMs: UInt64, sender: [UInt8],
        token: [UInt8], ethToken: [UInt8]?, amount: String, payment: String, recipient: String, relayer: String, metadata: String,
        destinationChain: UInt32, expiration: UInt64?, digest: [UInt8]?, message: [UInt8]?, signatures: [KoinosLockSignature]
    ) {
        self.id = id
        self.profile = profile
        self.status = status
        self.reason = reason
        self.blockHeight = blockHeight
        self.blockTimeMs = blockTimeMs
        self.sender = sender
        self.token = token
        self.ethToken = ethToken
        self.amount = amount
        self.payment = payment
        self.recipient = recipient
        self.relayer = relayer
        self.metadata = metadata
        self.destinationChain = destinationChain
        self.expiration = expiration
        self.digest = digest
        self.message = message
        self.signatures = signatures
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
    /// The stored lock (any status) with its current digest's signatures, or nil.
    public func koinosLock(_ id: KoinosLockID) async throws -> KoinosLockView? {
        try await writer.read { db in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM koinos_observation WHERE id = ?"), arguments: [id.description]) else { return nil }
            return try Self.view(row, id: id, db: db)
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
                return try Self.view(row, id: id, db: db)
            }
        }
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

    private static func view(_ row: Row, id: KoinosLockID, db: Database) throws -> KoinosLockView {
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
