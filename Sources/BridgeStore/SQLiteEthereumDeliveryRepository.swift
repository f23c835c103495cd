// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import Foundation
import GRDB

/// The Koinos → Ethereum delivery rows (`ethereum_delivery`, the locks' `quorum` ⇄ `submitted` →
/// `completed` moves) behind the `EthereumDeliveryRepository` port, over the node's one database
/// writer. Runs on GRDB's queues; callers await.
public struct SQLiteEthereumDeliveryRepository: EthereumDeliveryRepository {
    let writer: any DatabaseWriter

    public init(_ database: BridgeDatabase) {
        writer = database.writer
    }

    /// Koinos locks at quorum (or with a transaction in flight) whose delivery is not completed,
    /// at most `limit`: first those due (no next attempt set: new, or in flight), then by next
    /// attempt, each oldest quorum first, so transfers parked for later never crowd out new ones.
    public func koinosLocksForDelivery(limit: Int) async throws -> [KoinosLockForDelivery] {
        try await writer.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT o.id, o.profile, o.message, o.digest, o.quorum_at_ms FROM koinos_observation o
                LEFT JOIN ethereum_delivery d ON d.transfer_id = o.id
                WHERE o.status IN ('quorum', 'submitted') AND o.message IS NOT NULL AND o.digest IS NOT NULL
                AND (d.status IS NULL OR d.status != 'completed')
                ORDER BY COALESCE(d.next_attempt_at_ms, 0), o.quorum_at_ms, o.block_height, o.tx_id, o.operation_id LIMIT ?
                """, arguments: [limit])
            return try rows.compactMap { row -> KoinosLockForDelivery? in
                guard let id = KoinosLockID(row["id"] as String), let profile = ContractProfile(rawValue: row["profile"]) else { return nil }
                let digest = [UInt8](row["digest"] as Data)
                let signatures = try Row.fetchAll(db, sql: "SELECT validator, signature FROM koinos_signature WHERE digest = ? ORDER BY validator",
                                                  arguments: [Data(digest)]).map {
                    ValidatorSignature(validator: [UInt8]($0["validator"] as Data), signature: [UInt8]($0["signature"] as Data))
                }
                return KoinosLockForDelivery(
                    id: id, profile: profile, message: [UInt8](row["message"] as Data), digest: digest, signatures: signatures,
                    quorumAtMs: UInt64(clamping: (row["quorum_at_ms"] as Int64?) ?? 0))
            }
        }
    }

    /// The sender's row for `transferID`, or nil before its first step. A row with nothing in
    /// flight (`pending`/`failed`) written for an older digest of the lock (it was re-signed since,
    /// §2.7) is a past attempt: nil, so the new signature set starts afresh (attempts, backoff).
    public func ethereumDelivery(_ transferID: String) async throws -> DeliveryRecord? {
        try await writer.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT d.*, o.digest AS current_digest FROM ethereum_delivery d LEFT JOIN koinos_observation o ON o.id = d.transfer_id
                WHERE d.transfer_id = ?
                """, arguments: [transferID]), let record = BridgeDatabase.deliveryRecord(row)
            else { return nil }
            let written = row["digest"] as Data?, current = row["current_digest"] as Data?
            if record.status == .pending || record.status == .failed, let written, let current, written != current { return nil }
            return record
        }
    }

    /// Writes the sender's row and, in the same transaction, the lock's status as the API shows
    /// it: `submitted` while a transaction is in flight, `completed` once the contract has the
    /// transfer, back to `quorum` when nothing is in flight.
    public func saveEthereumDelivery(_ r: DeliveryRecord) async throws {
        try await writer.write { db in
            try db.execute(sql: """
                INSERT INTO ethereum_delivery (transfer_id, status, nonce, transaction_hashes, max_fee_per_gas, max_priority_fee_per_gas,
                sent_at_ms, included_block, completing_transaction, attempts, last_error, next_attempt_at_ms, updated_at_ms, digest)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT digest FROM koinos_observation WHERE id = ?))
                ON CONFLICT(transfer_id) DO UPDATE SET status = excluded.status, nonce = excluded.nonce,
                transaction_hashes = excluded.transaction_hashes, max_fee_per_gas = excluded.max_fee_per_gas,
                max_priority_fee_per_gas = excluded.max_priority_fee_per_gas, sent_at_ms = excluded.sent_at_ms,
                included_block = excluded.included_block, completing_transaction = excluded.completing_transaction,
                attempts = excluded.attempts, last_error = excluded.last_error, next_attempt_at_ms = excluded.next_attempt_at_ms,
                updated_at_ms = excluded.updated_at_ms, digest = excluded.digest
                """,
                arguments: [
                    r.transferID, r.status.rawValue, r.nonce.map { Int64(bitPattern: $0) }, Data(r.transactionHashes.joined()),
                    Int64(bitPattern: r.maxFeePerGas), Int64(bitPattern: r.maxPriorityFeePerGas), r.sentAtMs.map { Int64(bitPattern: $0) },
                    r.includedBlock.map { Int64(bitPattern: $0) }, r.completingTransaction.map { Data($0) }, r.attempts, r.lastError,
                    r.nextAttemptAtMs.map { Int64(bitPattern: $0) }, Int64(bitPattern: r.updatedAtMs), r.transferID,
                ])
            let (to, from): (String, [String]) =
                switch r.status {
                case .completed: ("completed", ["quorum", "submitted"])
                case .sent, .included: ("submitted", ["quorum"])
                case .pending, .failed: ("quorum", ["submitted"])
                }
            var arguments: [any DatabaseValueConvertible] = [to, Int64(bitPattern: r.updatedAtMs), r.transferID]
            arguments += from
            try db.execute(
                sql: "UPDATE koinos_observation SET status = ?, updated_at_ms = ? WHERE id = ? AND status IN (\(from.map { _ in "?" }.joined(separator: ", ")))",
                arguments: StatementArguments(arguments))
        }
    }
}

extension BridgeDatabase {
    /// The transaction that completed the lock on Ethereum (32-byte hash), once final; nil before.
    public func koinosLockEthereumTransaction(_ id: KoinosLockID) async throws -> [UInt8]? {
        try await SQLiteEthereumDeliveryRepository(self).ethereumDelivery(id.description).flatMap { $0.status == .completed ? $0.completingTransaction : nil }
    }

    static func deliveryRecord(_ row: Row) -> DeliveryRecord? {
        guard let status = DeliveryRecord.Status(rawValue: row["status"]) else { return nil }
        func unsigned(_ column: String) -> UInt64? { (row[column] as Int64?).map { UInt64(bitPattern: $0) } }
        var r = DeliveryRecord(transferID: row["transfer_id"], status: status, updatedAtMs: unsigned("updated_at_ms") ?? 0)
        r.nonce = unsigned("nonce")
        let hashes = [UInt8](row["transaction_hashes"] as Data)
        guard hashes.count % 32 == 0 else { return nil }
        r.transactionHashes = stride(from: 0, to: hashes.count, by: 32).map { Array(hashes[$0..<$0 + 32]) }
        r.maxFeePerGas = unsigned("max_fee_per_gas") ?? 0
        r.maxPriorityFeePerGas = unsigned("max_priority_fee_per_gas") ?? 0
        r.sentAtMs = unsigned("sent_at_ms")
        r.includedBlock = unsigned("included_block")
        r.completingTransaction = (row["completing_transaction"] as Data?).map { [UInt8]($0) }
        r.attempts = row["attempts"]
        r.lastError = row["last_error"]
        r.nextAttemptAtMs = unsigned("next_attempt_at_ms")
        return r
    }
}
