// SPDX-License-Identifier: Apache-2.0
import GRDB
import Primitives
import Synchronization

/// Signals a `ChangeSignal` once per committed transaction that changed one of `tables`: the store
/// commit is what hands work from one stage to the next (the database is the durable log; this is
/// how a waiting stage learns, without polling, that the log moved).
///
/// GRDB calls the observer on the writer's serial queue; rolled-back transactions signal nothing.
final class CommitSignalObserver: TransactionObserver, Sendable {
    let tables: Set<String>
    let signal: ChangeSignal
    /// Whether the open transaction changed an observed table (only touched on the writer queue).
    private let pending = Atomic<Bool>(false)

    init(tables: Set<String>, signal: ChangeSignal) {
        self.tables = tables
        self.signal = signal
    }

    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool {
        tables.contains(eventKind.tableName)
    }

    func databaseDidChange(with event: DatabaseEvent) {
        pending.store(true, ordering: .relaxed)
        stopObservingDatabaseChangesUntilNextTransaction()
    }

    func databaseDidCommit(_ db: Database) {
        if pending.exchange(false, ordering: .relaxed) { signal.signal() }
    }

    func databaseDidRollback(_ db: Database) {
        pending.store(false, ordering: .relaxed)
    }
}
