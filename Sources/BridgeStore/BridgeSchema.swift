// SPDX-License-Identifier: Apache-2.0
import GRDB

/// Table definitions. 64-bit unsigned amounts are stored as decimal TEXT (SQLite integers are signed).
enum BridgeSchema {
    static func createV1(_ db: Database) throws {
        try db.create(table: "observation") { t in
            t.primaryKey("id", .text)  // ObservationID text form
            t.column("chain_id", .integer).notNull()
            t.column("tx_hash", .blob).notNull()
            t.column("log_index", .integer).notNull()
            t.column("profile", .text).notNull()
            t.column("block_number", .integer).notNull()
            t.column("block_hash", .blob).notNull()
            t.column("sender", .blob).notNull()
            t.column("token", .blob).notNull()
            t.column("amount", .text).notNull()
            t.column("payment", .text).notNull()
            t.column("recipient", .text).notNull()
            t.column("relayer", .text).notNull()
            t.column("metadata", .text).notNull()
            t.column("block_time_ms", .integer).notNull()
            t.column("destination_chain", .integer).notNull()
            t.column("status", .text).notNull().indexed()
            t.column("reason", .text)
            // The Koinos-bound message and its digest, set when the observation is valid.
            t.column("koinos_token", .blob)
            t.column("koinos_contract", .blob)
            t.column("expiration", .integer)
            t.column("message", .blob)
            t.column("digest", .blob).indexed()
            t.column("quorum_required", .integer)
            t.column("quorum_have", .integer)
            t.column("quorum_at_ms", .integer)
            t.column("created_at_ms", .integer).notNull()
            t.column("updated_at_ms", .integer).notNull()
        }
        try db.create(index: "observation_tx", on: "observation", columns: ["tx_hash"])
        try db.create(index: "observation_recipient", on: "observation", columns: ["recipient"])

        try db.create(table: "cursor") { t in
            t.primaryKey("name", .text)
            t.column("block_number", .integer).notNull()
            t.column("block_hash", .blob)
            t.column("updated_at_ms", .integer).notNull()
        }

        try db.create(table: "signature") { t in
            t.column("digest", .blob).notNull()
            t.column("validator", .blob).notNull()  // Koinos address, 25 bytes
            t.column("signature", .blob).notNull()  // Koinos compact, 65 bytes
            t.column("observation_id", .text).notNull().indexed()
            t.column("source", .text).notNull()  // "self" or "gossip"
            t.column("received_at_ms", .integer).notNull()
            t.primaryKey(["digest", "validator"])
        }

        try db.create(table: "evidence") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("validator", .blob).notNull()
            t.column("observation_id", .text).notNull()
            t.column("digest_a", .blob).notNull()
            t.column("signature_a", .blob).notNull()
            t.column("digest_b", .blob).notNull()
            t.column("signature_b", .blob).notNull()
            t.column("detected_at_ms", .integer).notNull()
            t.uniqueKey(["validator", "observation_id", "digest_a", "digest_b"])
        }

        try db.create(table: "submission") { t in
            t.primaryKey("observation_id", .text)
            t.column("koinos_tx_id", .blob)
            t.column("status", .text).notNull()  // pending, submitted, included, completed, failed
            t.column("attempts", .integer).notNull().defaults(to: 0)
            t.column("last_error", .text)
            t.column("next_attempt_at_ms", .integer)
            t.column("submitted_at_ms", .integer)
            t.column("updated_at_ms", .integer).notNull()
        }

        try db.create(table: "heartbeat") { t in
            t.primaryKey("validator", .blob)
            t.column("peer_id", .text).notNull()
            t.column("version", .text).notNull()
            t.column("eth_cursor", .integer).notNull()
            t.column("sent_at_ms", .integer).notNull()
            t.column("received_at_ms", .integer).notNull()
        }
    }
}
