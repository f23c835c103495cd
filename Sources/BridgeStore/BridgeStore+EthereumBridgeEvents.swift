// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import Foundation
import GRDB

extension BridgeDatabase {
    /// The statuses a Koinos lock can be completed from (completed and rejected stay as they are).
    static let completableKoinosStatuses = ["observed", "signing", "quorum", "submitted", "expired"]
    /// The statuses an Ethereum → Koinos transfer can be re-signed from: nothing in flight, not
    /// completed, not held by the governor.
    public static var resignableStatuses: [AttestationStatus] { AttestationStatus.resignable }

    /// The stored status of Koinos lock `id`, nil when unknown.
    public func koinosLockStatus(_ id: KoinosLockID) async throws -> AttestationStatus? {
        try await writer.read { db in
            try String.fetchOne(db, sql: "SELECT status FROM koinos_observation WHERE id = ?", arguments: [id.description])
                .flatMap(AttestationStatus.init(rawValue:))
        }
    }

    /// The stored Ethereum → Koinos transfers of lock transaction `transactionHash` on `chainID`.
    public func transfersForResign(chainID: UInt64, transactionHash: [UInt8]) async throws -> [StoredTransferForResign] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT chain_id, tx_hash, log_index, profile, status, expiration, message, digest FROM observation
                WHERE tx_hash = ? AND chain_id = ? ORDER BY log_index
                """, arguments: [Data(transactionHash), Int64(clamping: chainID)]).compactMap { row in
                guard let id = Self.observationID(row), let profile = ContractProfile(rawValue: row["profile"]),
                      let status = AttestationStatus(rawValue: row["status"])
                else { return nil }
                return StoredTransferForResign(
                    id: id, profile: profile, status: status, expiration: (row["expiration"] as Int64?).map { UInt64(clamping: $0) },
                    message: (row["message"] as Data?).map { [UInt8]($0) }, digest: (row["digest"] as Data?).map { [UInt8]($0) })
            }
        }
    }

    /// Marks the lock completed and records the completing transaction for the API; true when it
    /// changed. A lock with our own transaction in flight is left to the sender, which follows that
    /// transaction to finality (ours completed it) or to its revert and `isTransferCompleted`.
    static func apply(_ c: EthereumCompletion, db: Database, nowMs: UInt64) throws -> Bool {
        let delivery = try String.fetchOne(db, sql: "SELECT status FROM ethereum_delivery WHERE transfer_id = ?", arguments: [c.lock.description])
        if let delivery, ["sent", "included"].contains(delivery) { return false }
        let statuses = completableKoinosStatuses
        try db.execute(
            sql: "UPDATE koinos_observation SET status = 'completed', updated_at_ms = ? WHERE id = ? AND status IN (\(statuses.map { _ in "?" }.joined(separator: ", ")))",
            arguments: StatementArguments(([Int64(clamping: nowMs), c.lock.description] as [any DatabaseValueConvertible]) + statuses))
        guard db.changesCount > 0 else { return false }
        // The sender's row says completed too, so it never sends (or bumps) this transfer again.
        try db.execute(sql: """
            INSERT INTO ethereum_delivery (transfer_id, status, transaction_hashes, max_fee_per_gas, max_priority_fee_per_gas,
            completing_transaction, attempts, updated_at_ms, digest)
            VALUES (?, 'completed', x'', 0, 0, ?, 0, ?, (SELECT digest FROM koinos_observation WHERE id = ?))
            ON CONFLICT(transfer_id) DO UPDATE SET status = 'completed', completing_transaction = excluded.completing_transaction,
            next_attempt_at_ms = NULL, updated_at_ms = excluded.updated_at_ms WHERE ethereum_delivery.status != 'completed'
            """, arguments: [c.lock.description, Data(c.transactionHash), Int64(clamping: nowMs), c.lock.description])
        return true
    }

    /// Back to `observed` with the new expiration, message and digest (signed again by the
    /// aggregator); the old digest's signatures stay stored under it and never count for the new
    /// one. True when it changed.
    static func apply(_ r: ObservationResign, db: Database, nowMs: UInt64) throws -> Bool {
        let statuses = resignableStatuses.map(\.rawValue)
        try db.execute(sql: """
            UPDATE observation SET status = 'observed', expiration = ?, message = ?, digest = ?, quorum_required = NULL,
            quorum_have = NULL, quorum_at_ms = NULL, updated_at_ms = ?
            WHERE id = ? AND digest = ? AND status IN (\(statuses.map { _ in "?" }.joined(separator: ", ")))
            """,
            arguments: StatementArguments(([
                Int64(clamping: r.expiration), Data(r.message), Data(r.digest), Int64(clamping: nowMs), r.id.description, Data(r.oldDigest),
            ] as [any DatabaseValueConvertible]) + statuses))
        guard db.changesCount > 0 else { return false }
        // A submission attempt of the old set with nothing in flight is a past attempt: the new
        // set starts afresh (no inherited back-off or failure).
        try db.execute(sql: "DELETE FROM submission WHERE observation_id = ? AND status IN ('pending', 'failed')", arguments: [r.id.description])
        return true
    }
}
