// SPDX-License-Identifier: Apache-2.0
import GRDB

extension BridgeSchema {
    /// Aggregation columns: each signature's contract profile (so restored signatures can be
    /// re-gossiped) and its position in the contract-minimal submission set (NULL when not in it).
    static func addAttestationColumns(_ db: Database) throws {
        try db.alter(table: "signature") { t in
            t.add(column: "profile", .text)
            t.add(column: "submission_rank", .integer)
        }
        try db.create(index: "observation_quorum_at", on: "observation", columns: ["quorum_at_ms"])
        try db.create(index: "signature_digest", on: "signature", columns: ["digest"])
    }

    /// Signatures by observation: every attestation view lists an observation's signatures, which
    /// without this index scanned the whole table (≈ 245 µs per view at 3,000 rows, growing).
    static func indexSignaturesByObservation(_ db: Database) throws {
        try db.create(index: "signature_observation", on: "signature", columns: ["observation_id"])
    }

    /// The Koinos head height at which the transfer was first seen completed: it is `completed`
    /// only once the last irreversible block reaches that height.
    static func addCompletionSeenHeight(_ db: Database) throws {
        try db.alter(table: "submission") { $0.add(column: "completed_seen_height", .integer) }
    }
}

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
