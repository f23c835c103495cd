// SPDX-License-Identifier: Apache-2.0
import GRDB

extension BridgeSchema {
    /// The second direction (Koinos → Ethereum): judged Koinos-side locks and the Koinos scan cursor.
    ///
    /// A table of its own rather than rows of `observation`: the identity (34-byte Koinos tx id +
    /// event sequence), the addresses (25-byte Koinos sender/token, 0x Ethereum recipient) and the
    /// signed message (EIP-191 over the packed Ethereum message) all differ, and the first
    /// direction's readers (aggregator, submitter, API) keep reading `observation` unchanged. Every
    /// row here is `direction = koinos_to_ethereum`; the column says so for readers that join both.
    static func createKoinosLocks(_ db: Database) throws {
        try db.create(table: "koinos_observation") { t in
            t.primaryKey("id", .text)  // KoinosLockID text form
            t.column("direction", .text).notNull().defaults(to: "koinos_to_ethereum")
            t.column("tx_id", .blob).notNull()
            t.column("operation_id", .integer).notNull()
            t.column("profile", .text).notNull()
            t.column("block_height", .integer).notNull()
            t.column("block_id", .blob).notNull()
            t.column("block_time_ms", .integer).notNull()
            t.column("sender", .blob).notNull()
            t.column("token", .blob).notNull()
            t.column("amount", .text).notNull()
            t.column("payment", .text).notNull()
            t.column("recipient", .text).notNull()
            t.column("relayer", .text).notNull()
            t.column("metadata", .text).notNull()
            t.column("destination_chain", .integer).notNull()
            t.column("status", .text).notNull().indexed()
            t.column("reason", .text)
            // The Ethereum-bound message (packed) and its EIP-191 digest, set when valid.
            t.column("eth_token", .blob)
            t.column("expiration", .integer)
            t.column("message", .blob)
            t.column("digest", .blob).indexed()
            // The contract-minimal signature set (Q(N) × 65 bytes, in submission order) once reached.
            t.column("submission", .blob)
            t.column("quorum_at_ms", .integer)
            t.column("created_at_ms", .integer).notNull()
            t.column("updated_at_ms", .integer).notNull()
        }
        try db.create(index: "koinos_observation_tx", on: "koinos_observation", columns: ["tx_id", "operation_id"])
        try db.create(index: "koinos_observation_height", on: "koinos_observation", columns: ["block_height"])
        // Ethereum-form signatures (65-byte r‖s‖v) per digest and Ethereum validator address. A
        // re-signed lock (new expiration) has a new digest, so its signatures never mix with the old set.
        try db.create(table: "koinos_signature") { t in
            t.column("digest", .blob).notNull()
            t.column("validator", .blob).notNull()  // 20-byte Ethereum address the signature recovers to
            t.column("observation_id", .text).notNull().indexed()
            t.column("signature", .blob).notNull()
            t.column("own", .boolean).notNull()
            t.column("received_at_ms", .integer).notNull()
            t.primaryKey(["digest", "validator"])
        }
        // The next Koinos height to scan and the id of the block just below it (links the next window).
        try db.create(table: "koinos_cursor") { t in
            t.primaryKey("name", .text)
            t.column("next_height", .integer).notNull()
            t.column("previous_block_id", .blob).notNull()
            t.column("updated_at_ms", .integer).notNull()
        }
    }
}
