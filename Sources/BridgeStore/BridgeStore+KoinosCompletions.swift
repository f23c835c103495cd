// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import Foundation
import GRDB

/// A `bridge.transfer_completed_event` of an irreversible Koinos block: the Koinos contract
/// completed the Ethereum → Koinos transfer of Ethereum transaction `ethereumTransactionHash`
/// (its replay key, one completion per hash), in Koinos transaction `koinosTransactionID`.
public struct KoinosTransferCompletion: Sendable, Hashable {
    public var ethereumTransactionHash: [UInt8]
    public var koinosTransactionID: [UInt8]
    public var blockHeight: UInt64

    public init(ethereumTransactionHash: [UInt8], koinosTransactionID: [UInt8], blockHeight: UInt64) {
        self.ethereumTransactionHash = ethereumTransactionHash
        self.koinosTransactionID = koinosTransactionID
        self.blockHeight = blockHeight
    }
}

/// What a completion event did to the store.
public enum KoinosCompletionOutcome: Sendable, Hashable {
    /// These observations became `completed` (whoever submitted the completing transaction).
    case completed([String])
    /// Every observation of the hash was already completed, or is rejected (left as it is).
    case alreadySettled
    /// No observation of this Ethereum transaction is stored here: ignored.
    case unknown
}

/// What one Koinos window's commit stored and completed.
public struct KoinosWindowCommit: Sendable, Hashable {
    /// Koinos locks stored by this commit (a rescan's duplicates are left out).
    public var inserted: [KoinosLockID] = []
    /// One outcome per completion event, in the window's order.
    public var completions: [KoinosCompletionOutcome] = []

    public init() {}
}

extension BridgeDatabase {
    /// Completes every observation of the completion's Ethereum transaction that is not
    /// `rejected` or `completed` yet: the observation becomes `completed` and its submission row
    /// (created when this node never submitted) `completed` with the completing Koinos block
    /// height, final at once (the event comes from a block at or below the LIB). The row's own
    /// `koinos_tx_id` is kept (nil: this node sent nothing); `last_error` names the completing
    /// transaction. Runs inside the window's transaction.
    static func applyKoinosCompletion(_ c: KoinosTransferCompletion, db: Database, nowMs: UInt64) throws -> KoinosCompletionOutcome {
        let rows = try Row.fetchAll(db, sql: "SELECT id, status FROM observation WHERE tx_hash = ? ORDER BY id", arguments: [Data(c.ethereumTransactionHash)])
        guard !rows.isEmpty else { return .unknown }
        let open = rows.filter { !["rejected", "completed"].contains($0["status"] as String) }.map { $0["id"] as String }
        guard !open.isEmpty else { return .alreadySettled }
        let now = Int64(clamping: nowMs)
        let note = "completed on Koinos by transaction \(Hex.encode(c.koinosTransactionID)) "
            + "(transfer_completed_event, block \(c.blockHeight))"
        for id in open {
            try db.execute(sql: "UPDATE observation SET status = 'completed', updated_at_ms = ? WHERE id = ?", arguments: [now, id])
            try db.execute(
                sql: """
                    INSERT INTO submission (observation_id, status, attempts, last_error, updated_at_ms, completed_seen_height)
                    VALUES (?, 'completed', 0, ?, ?, ?)
                    ON CONFLICT(observation_id) DO UPDATE SET status = 'completed', last_error = excluded.last_error,
                      next_attempt_at_ms = NULL, updated_at_ms = excluded.updated_at_ms,
                      completed_seen_height = COALESCE(submission.completed_seen_height, excluded.completed_seen_height)
                    """,
                arguments: [id, note, now, Int64(clamping: c.blockHeight)])
        }
        return .completed(open)
    }
}
