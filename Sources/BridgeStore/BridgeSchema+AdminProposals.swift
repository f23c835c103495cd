// SPDX-License-Identifier: Apache-2.0
import GRDB

extension BridgeSchema {
    /// Admin-action proposals (issue 17) and the validators' signatures over their digests.
    static func createAdminProposals(_ db: Database) throws {
        try db.create(table: "admin_proposal") { t in
            t.primaryKey("digest", .blob)
            t.column("profile", .text).notNull()
            t.column("action", .integer).notNull()
            t.column("target", .blob)  // address actions
            t.column("paused", .boolean)  // set_pause
            t.column("nonce", .integer).notNull()
            t.column("contract", .blob).notNull()
            t.column("expiration_ms", .integer).notNull()
            t.column("chain", .integer).notNull()
            t.column("proposer", .blob).notNull()
            t.column("proposed_at_ms", .integer).notNull()
            t.column("required", .integer).notNull()
            t.column("submitted_tx", .blob)
        }
        try db.create(table: "admin_signature") { t in
            t.column("digest", .blob).notNull().references("admin_proposal", onDelete: .cascade)
            t.column("validator", .blob).notNull()
            t.column("signature", .blob).notNull()
            t.primaryKey(["digest", "validator"])
        }
    }
}
