// SPDX-License-Identifier: Apache-2.0
import GRDB

extension BridgeSchema {
    /// The outflow governor's decisions: one row per governed observation (signed at once or
    /// delayed), the history the rolling window is computed from after a restart.
    static func createGovernor(_ db: Database) throws {
        try db.create(table: "governor_transfer") { t in
            t.primaryKey("observation_id", .text)
            t.column("token", .blob).notNull()
            t.column("amount", .text).notNull()  // u64 as decimal text
            t.column("source_time_ms", .integer).notNull()
            t.column("release_at_ms", .integer)  // NULL: signed at once
            t.column("reason", .text)  // daily_limit, big_transfer
            t.column("effective_ms", .integer).notNull()
            t.column("released_early_at_ms", .integer)
            t.column("decided_at_ms", .integer).notNull()
        }
        try db.create(index: "governor_transfer_token_effective", on: "governor_transfer", columns: ["token", "effective_ms"])
        try db.create(index: "governor_transfer_release", on: "governor_transfer", columns: ["release_at_ms"])
    }
}
