// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import Foundation
import GRDB

extension BridgeDatabase {
    /// Withdraws observations whose block was replaced after it counted as final: those not yet
    /// submitted become `rejected` with reason `reorged_after_finality`. Returns every id's status
    /// before the call (submitted or completed ones are left as they are, for the operator).
    @discardableResult
    public func markReorgedAfterFinality(_ ids: [ObservationID], blockNumber: UInt64, nowMs: UInt64) async throws -> [ObservationID: AttestationStatus] {
        try await writer.write { db in
            var previous: [ObservationID: AttestationStatus] = [:]
            for id in ids {
                guard let text = try String.fetchOne(db, sql: "SELECT status FROM observation WHERE id = ?", arguments: [id.description]),
                      let status = AttestationStatus(rawValue: text)
                else { continue }
                previous[id] = status
                try db.execute(
                    sql: """
                        UPDATE observation SET status = 'rejected', reason = ?, updated_at_ms = ?
                        WHERE id = ? AND status IN ('observed', 'signing', 'quorum')
                        """,
                    arguments: ["reorged_after_finality: block \(blockNumber) was replaced", Int64(clamping: nowMs), id.description])
            }
            return previous
        }
    }

    /// Block number and hash of every stored, not rejected observation of `chainID` at or above
    /// `fromBlock` (lowest first, at most `limit`): what the deep-reorg check re-reads after a restart.
    public func observationBlocks(chainID: UInt64, fromBlock: UInt64, limit: Int) async throws -> [ObservationBlock] {
        try await writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT chain_id, tx_hash, log_index, block_number, block_hash FROM observation
                    WHERE chain_id = ? AND block_number >= ? AND status != 'rejected' ORDER BY block_number LIMIT ?
                    """, arguments: [Int64(clamping: chainID), Int64(clamping: fromBlock), limit]
            ).compactMap { row in
                guard let id = Self.observationID(row), let number = row["block_number"] as Int64?, let hash = row["block_hash"] as Data? else {
                    return nil
                }
                return ObservationBlock(id: id, blockNumber: UInt64(clamping: number), blockHash: [UInt8](hash))
            }
        }
    }
}
