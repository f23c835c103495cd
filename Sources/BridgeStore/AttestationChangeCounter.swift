// SPDX-License-Identifier: Apache-2.0
import GRDB
import Synchronization

/// Counts committed transactions that changed what an attestation view shows (observations,
/// signatures, submissions), so readers can cache rendered views and know when they went stale.
///
/// Registered on the database writer for its whole lifetime. GRDB calls the observer on the
/// writer's serial queue; the count itself is atomic so any reader may load it.
final class AttestationChangeCounter: TransactionObserver, Sendable {
    static let observedTables: Set<String> = ["observation", "signature", "submission"]

    private let committed = Atomic<UInt64>(0)
    /// Whether the open transaction changed an observed table (only touched on the writer queue).
    private let pending = Atomic<Bool>(false)

    var value: UInt64 { committed.load(ordering: .acquiring) }

    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool {
        Self.observedTables.contains(eventKind.tableName)
    }

    func databaseDidChange(with event: DatabaseEvent) {
        pending.store(true, ordering: .relaxed)
        stopObservingDatabaseChangesUntilNextTransaction()
    }

    func databaseDidCommit(_ db: Database) {
        if pending.exchange(false, ordering: .relaxed) { committed.add(1, ordering: .releasing) }
    }

    func databaseDidRollback(_ db: Database) {
        pending.store(false, ordering: .relaxed)
    }
}
