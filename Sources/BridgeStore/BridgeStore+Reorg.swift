// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import GRDB

extension BridgeDatabase {
    /// Withdraws observations whose block was replaced after it counted as final: those not yet
    /// submitted become `rejected` with reason `reorged_after_finality`. Returns every id's status
    /// before the call (submitted or completed ones are left as they are, for the operator).
    @discardableResult
    public func markReorgedAfterFinality(_ ids: [ObservationID], blockNumber: UInt64, nowMs: UInt64) throws -> [ObservationID: AttestationStatus] {
        try writer.write { db in
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
}
