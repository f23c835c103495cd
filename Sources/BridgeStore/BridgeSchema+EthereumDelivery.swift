// SPDX-License-Identifier: Apache-2.0
import GRDB

extension BridgeSchema {
    /// The Ethereum sender's rows (Koinos → Ethereum delivery): one per Koinos lock it has worked
    /// on, written after every step, so a restart follows the transaction already in flight at its
    /// nonce instead of sending a second one, and never sends a completed transfer again.
    ///
    /// Fees are UInt64 wei per gas stored by bit pattern (lossless above Int64.max); the hashes of
    /// every transaction sent at `nonce` (the original, then each fee bump) are 32-byte blocks
    /// concatenated, oldest first. `digest` is the lock's digest when the row was written: after a
    /// re-sign (§2.7: new expiration, new digest) a row with nothing in flight is a past attempt.
    static func createEthereumDelivery(_ db: Database) throws {
        try db.create(table: "ethereum_delivery") { t in
            t.primaryKey("transfer_id", .text)  // koinos_observation.id
            t.column("status", .text).notNull().indexed()
            t.column("nonce", .integer)
            t.column("transaction_hashes", .blob).notNull()
            t.column("max_fee_per_gas", .integer).notNull()
            t.column("max_priority_fee_per_gas", .integer).notNull()
            t.column("sent_at_ms", .integer)
            t.column("included_block", .integer)
            t.column("completing_transaction", .blob)
            t.column("attempts", .integer).notNull()
            t.column("last_error", .text)
            t.column("next_attempt_at_ms", .integer)
            t.column("updated_at_ms", .integer).notNull()
            t.column("digest", .blob)
        }
    }
}
