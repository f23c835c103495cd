// SPDX-License-Identifier: Apache-2.0
public import GRDB
public import Primitives

/// The node's SQLite database (GRDB, WAL mode): observations, cursor, signatures, evidence,
/// submissions and heartbeats.
///
/// One file under the data directory. Writers that must be atomic (observations + the cursor that
/// covers them) use one `write` transaction, so a crash never loses or repeats an observation.
public final class BridgeDatabase: Sendable {
    public let writer: any DatabaseWriter
    let changes = AttestationChangeCounter()
    /// The API's detail reads' own read-only connection (nil in memory: they read through `writer`).
    let detailConnection: AttestationDetailConnection?

    /// Grows by one with every committed transaction that changed an observation, signature or
    /// submission row: a rendered attestation view made at generation g is current while this is g.
    public var attestationGeneration: UInt64? { changes.value }

    /// Signalled after every committed transaction that changed an observation row (stored, signed,
    /// at quorum, submitted, completed): stages that act on those rows wait on it instead of polling.
    public let observationCommits = ChangeSignal()

    /// Opens (creating if needed) the database at `path` in WAL mode and migrates it.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        writer = try DatabasePool(path: path, configuration: configuration)
        try Self.migrator.migrate(writer)
        detailConnection = try AttestationDetailConnection(path: path)
        writer.add(transactionObserver: changes, extent: .databaseLifetime)
        writer.add(transactionObserver: CommitSignalObserver(tables: ["observation"], signal: observationCommits), extent: .databaseLifetime)
    }

    /// An in-memory database with the same schema, for tests.
    public init(inMemory: Void = ()) throws {
        writer = try DatabaseQueue()
        detailConnection = nil
        try Self.migrator.migrate(writer)
        writer.add(transactionObserver: changes, extent: .databaseLifetime)
        writer.add(transactionObserver: CommitSignalObserver(tables: ["observation"], signal: observationCommits), extent: .databaseLifetime)
    }

    /// Every schema change, in order. Append new migrations; never edit a shipped one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-schema", migrate: BridgeSchema.createV1)
        migrator.registerMigration("v2-attestation", migrate: BridgeSchema.addAttestationColumns)
        migrator.registerMigration("v3-signature-observation-index", migrate: BridgeSchema.indexSignaturesByObservation)
        migrator.registerMigration("v5-submission-completed-seen-height", migrate: BridgeSchema.addCompletionSeenHeight)
        migrator.registerMigration("v6-operator-page-indexes", migrate: BridgeSchema.indexOperatorPageReads)
        migrator.registerMigration("v6-governor", migrate: BridgeSchema.createGovernor)
        migrator.registerMigration("v7-admin-proposals", migrate: BridgeSchema.createAdminProposals)
        migrator.registerMigration("v7-transfer-direction", migrate: BridgeSchema.createKoinosLocks)
        migrator.registerMigration("v8-ethereum-delivery", migrate: BridgeSchema.createEthereumDelivery)
        return migrator
    }
}
