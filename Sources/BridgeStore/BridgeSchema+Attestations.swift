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
