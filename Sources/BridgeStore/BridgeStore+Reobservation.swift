// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import GRDB

extension BridgeDatabase {
    /// Stores one observation found outside the scan (a lock a peer asked us to re-observe): the
    /// same row `commitScan` writes, while every cursor stays where it is.
    ///
    /// Idempotent: returns false, changing nothing, when the observation is already stored.
    public func storeReobservedObservation(_ record: ObservationRecord, nowMs: UInt64) async throws -> Bool {
        try await writer.write { db in
            try Self.insert(record, db: db, nowMs: nowMs)
            return db.changesCount > 0
        }
    }
}
