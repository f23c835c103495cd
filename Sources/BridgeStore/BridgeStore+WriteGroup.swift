// SPDX-License-Identifier: Apache-2.0
import GRDB

/// Groups attestation writes into one SQLite transaction.
///
/// The aggregator applies one incoming gossip batch as many small writes (its signatures, then a
/// quorum update per digest that reached quorum). Run inside `inOneAttestationTransaction`, they
/// commit together: one transaction per batch instead of one per digest. Each write still runs in
/// its own savepoint, so a failing write rolls back alone, exactly as when it was its own
/// transaction; nothing is acknowledged before the group commits.
extension BridgeDatabase {
    /// Runs `body` in one write transaction; attestation writes it makes join that transaction.
    /// Must not be nested in a `read` of this database (GRDB forbids reentrant reads in writes).
    public func inOneAttestationTransaction(_ body: () throws -> Void) throws {
        try writer.unsafeReentrantWrite { db in
            try db.inSavepoint {
                try body()
                return .commit
            }
        }
    }

    /// One attestation write: its own transaction, or a savepoint of the open group transaction.
    func attestationWrite(_ updates: (Database) throws -> Void) throws {
        try writer.unsafeReentrantWrite { db in
            try db.inSavepoint {
                try updates(db)
                return .commit
            }
        }
    }
}
