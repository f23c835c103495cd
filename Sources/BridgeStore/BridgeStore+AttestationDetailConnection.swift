// SPDX-License-Identifier: Apache-2.0
import Dispatch
import GRDB
import Synchronization

/// The inspection API's detail reads (`attestation(id:)`, `koinosLockDetail(_:)`) on a read-only
/// SQLite connection of their own, worked by one serial dispatch queue in batches.
///
/// Why not `DatabasePool.read`: an async pool read hops twice before SQLite runs (onto the pool's
/// semaphore queue, then onto the chosen reader's queue) and wraps the read in BEGIN/COMMIT; on a
/// loaded machine each hop is a thread wake-up. A detail is ONE statement (atomic on its own), so
/// alone it needs no transaction; this connection needs one hop onto its queue and one back.
///
/// Reads that arrive while a batch runs join the next one (`DetailReadBatch`): one queue hop, one
/// `inDatabase` and one read transaction (one SQLite file and WAL lock, instead of one per
/// statement) for up to `batchLimit` lookups, first come first served; each caller is resumed with
/// its own result as soon as its statement ran, so a read that throws fails only its caller.
///
/// SQLite runs synchronously on the queue's libdispatch thread, never on the cooperative pool
/// (`DatabaseQueue.inDatabase` called from a thread other than its own runs the block inline on
/// that thread when the connection is idle, which it always is: only this queue uses it). The
/// connection is none of the pool's readers, so the node's stages keep all of theirs however hard
/// the API is hammered; the API's request gate bounds how many reads wait here.
final class AttestationDetailConnection: Sendable {
    /// Most reads run in one batch (the request gate admits 8 at once, so this bound is for safety).
    static let batchLimit = 32

    private let connection: DatabaseQueue
    private let queue = DispatchQueue(label: "bridge.attestation-detail-reader")
    private let batch = Mutex(DetailReadBatch())

    /// Opens a read-only connection to the (already migrated, WAL mode) database at `path`.
    init(path: String) throws {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        configuration.label = "attestation-detail-reader"
        connection = try DatabaseQueue(path: path, configuration: configuration)
    }

    /// Runs `read` on the connection (one statement, or several that need not agree) in the next
    /// batch and returns its result.
    /// The continuation is unchecked: `DetailReadBatch` hands each job to exactly one batch and the
    /// job resumes it exactly once (`Result` catches a throwing read), so the check (a box and a
    /// lock per read) never fires.
    func read<T: Sendable>(_ read: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withUnsafeThrowingContinuation { continuation in
            let job: DetailReadBatch.Job = { database in
                continuation.resume(with: Result { try read(database) })
            }
            if batch.withLock({ $0.add(job) }) { queue.async { self.drain() } }
        }
    }

    /// Runs batches until no read waits (on the queue's thread).
    private func drain() {
        while true {
            let jobs = batch.withLock { $0.next(limit: Self.batchLimit) }
            if jobs.isEmpty { return }
            run(jobs)
        }
    }

    private func run(_ jobs: [DetailReadBatch.Job]) {
        connection.inDatabase { db in
            // One snapshot and one lock for the batch; if BEGIN fails each read runs on its own.
            // BEGIN and COMMIT are prepared once per connection (`execute(sql:)` parses them anew).
            let transaction = jobs.count > 1 && (try? db.cachedStatement(sql: "BEGIN DEFERRED TRANSACTION").execute()) != nil
            for job in jobs { job(db) }
            // A read transaction that cannot commit is rolled back: left open, it would pin every
            // later read of this connection to its snapshot (each next BEGIN would fail).
            if transaction, db.isInsideTransaction, (try? db.cachedStatement(sql: "COMMIT").execute()) == nil {
                try? db.execute(sql: "ROLLBACK")
            }
        }
    }

    /// Reads waiting for a batch and batches run so far (tests and the benchmark).
    var statistics: DetailReadBatch.Statistics { batch.withLock { $0.statistics } }

    /// Holds the queue (reads wait, none runs) until `resumeReads()`: tests use it to make a batch.
    func suspendReads() { queue.suspend() }
    func resumeReads() { queue.resume() }
}

/// The reads waiting for the detail connection, in arrival order, and whether a drain is under way.
struct DetailReadBatch {
    typealias Job = @Sendable (Database) -> Void

    struct Statistics: Sendable, Equatable {
        /// Reads queued and not yet taken into a batch.
        var waiting = 0
        var batches = 0
        var reads = 0
    }

    private var jobs: [Job] = []
    private var draining = false
    private(set) var statistics = Statistics()

    /// Queues `job`; true when no drain is under way, so the caller must start one.
    mutating func add(_ job: @escaping Job) -> Bool {
        jobs.append(job)
        statistics.waiting = jobs.count
        defer { draining = true }
        return !draining
    }

    /// The oldest `limit` jobs, or none (and the drain ends) when nothing waits.
    mutating func next(limit: Int) -> [Job] {
        guard !jobs.isEmpty else {
            draining = false
            return []
        }
        let taken = Array(jobs.prefix(limit))
        jobs.removeFirst(taken.count)
        statistics.waiting = jobs.count
        statistics.batches += 1
        statistics.reads += taken.count
        return taken
    }
}
