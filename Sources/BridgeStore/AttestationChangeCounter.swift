// SPDX-License-Identifier: Apache-2.0
import GRDB
import Synchronization

/// Counts committed transactions that changed what an attestation view shows (observations,
/// signatures, submissions, governor decisions, and the same for Koinos locks), and which observations they changed, so readers
/// can cache rendered views per observation and know when one went stale.
///
/// Every counted commit advances `value`. A commit that touched few rows also stamps the ids of
/// the observations it changed (rowids mapped to ids on the writer, after the commit); one that
/// touched many rows, deleted rows or could not be mapped raises the floor every id's stamp
/// starts from, so it invalidates every view, as every commit did before per-id stamps.
///
/// Registered on the database writer for its whole lifetime. GRDB calls the observer on the
/// writer's serial queue; the stamps sit behind a lock so any reader may load them.
final class AttestationChangeCounter: TransactionObserver, Sendable {
    /// Tables an attestation view reads, and the column naming the observation of a row.
    static let observedTables: [String: String] = [
        "observation": "id", "signature": "observation_id", "submission": "observation_id", "governor_transfer": "observation_id",
        // The second direction (Koinos → Ethereum): the lock, its Ethereum-form signatures, its delivery.
        "koinos_observation": "id", "koinos_signature": "observation_id", "ethereum_delivery": "transfer_id",
    ]
    /// Past this many changed rows in one transaction every view is invalidated (no lookups).
    static let maxMappedRows = 256
    /// Ids stamped at most; past it the table is emptied and every view invalidated.
    static let maxStampedIDs = 10_000

    private struct Pending {
        var changed = false
        var everything = false
        var rowIDs: [String: [Int64]] = [:]
        var count = 0
    }

    private struct Stamps {
        var clock: UInt64 = 0
        /// Every view made before this stamp is stale.
        var floor: UInt64 = 0
        var byID: [String: UInt64] = [:]
    }

    /// The open transaction's changed rows (only touched on the writer queue).
    private let pending = Mutex(Pending())
    private let stamps = Mutex(Stamps())

    /// Advances with every counted commit.
    var value: UInt64 { stamps.withLock { $0.clock } }

    /// Changes whenever the view of observation `id` may have changed.
    func value(of id: String) -> UInt64 { stamps.withLock { max($0.floor, $0.byID[id] ?? 0) } }

    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool {
        Self.observedTables[eventKind.tableName] != nil
    }

    func databaseDidChange(with event: DatabaseEvent) {
        let table = event.tableName, rowID = event.rowID
        var deleted = false
        if case .delete = event.kind { deleted = true }
        let enough = pending.withLock { p -> Bool in
            p.changed = true
            guard !deleted, p.count < Self.maxMappedRows else {
                p.everything = true
                p.rowIDs = [:]
                return true
            }
            p.rowIDs[table, default: []].append(rowID)
            p.count += 1
            return false
        }
        if enough { stopObservingDatabaseChangesUntilNextTransaction() }
    }

    func databaseDidCommit(_ db: Database) {
        let p = pending.withLock { p in
            defer { p = Pending() }
            return p
        }
        guard p.changed else { return }
        let ids = p.everything ? nil : try? Self.observationIDs(p.rowIDs, db: db)
        stamps.withLock { s in
            s.clock += 1
            guard let ids, s.byID.count + ids.count <= Self.maxStampedIDs else {
                s.byID = [:]
                s.floor = s.clock
                return
            }
            for id in ids { s.byID[id] = s.clock }
        }
    }

    func databaseDidRollback(_ db: Database) {
        pending.withLock { $0 = Pending() }
    }

    /// The observation ids of the changed rows (deletes never get here: they invalidate everything).
    private static func observationIDs(_ rowIDs: [String: [Int64]], db: Database) throws -> Set<String> {
        var ids = Set<String>()
        for (table, rows) in rowIDs {
            guard let column = observedTables[table], !rows.isEmpty else { continue }
            let marks = Array(repeating: "?", count: rows.count).joined(separator: ",")
            for id in try String.fetchAll(db, sql: "SELECT \(column) FROM \(table) WHERE rowid IN (\(marks))", arguments: StatementArguments(rows)) {
                ids.insert(id)
            }
        }
        return ids
    }
}

extension BridgeDatabase {
    /// Changes whenever the view of observation `id` may have changed (a change to it, or one the
    /// store could not attribute to observations): a view of `id` made at g is current while this is g.
    public func attestationGeneration(id: String) -> UInt64? { changes.value(of: id) }

    /// Rows one commit may change and still invalidate only the views of their observations.
    public static let attestationRowsMappedPerCommit = AttestationChangeCounter.maxMappedRows
}
