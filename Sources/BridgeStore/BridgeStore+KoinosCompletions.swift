// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import Foundation
import GRDB

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
