// SPDX-License-Identifier: Apache-2.0
import Dispatch
import GRDB

/// The inspection API's detail reads (`attestation(id:)`, `koinosLockDetail(_:)`) on a read-only
/// SQLite connection of their own, worked by one serial dispatch queue.
///
/// Why not `DatabasePool.read`: an async pool read hops twice before SQLite runs (onto the pool's
/// semaphore queue, then onto the chosen reader's queue) and wraps the read in BEGIN/COMMIT; on a
/// loaded machine each hop is a thread wake-up (profiled: 30 % of the uncached route's samples in
/// the kernel, mostly thread switches, against 7 % in GRDB's read). A detail is ONE statement
/// (atomic on its own), so it needs no transaction; this connection needs one hop onto its queue
/// and one back, and reads that arrive while one runs are worked back to back by the same thread.
/// Measured: the uncached route's p99 fell from 32–230 ms to 13–16 ms under load; its throughput
/// did not change beyond the noise (the two hops that remain are the floor for a dedicated thread).
///
/// SQLite runs synchronously on the queue's libdispatch thread, never on the cooperative pool
/// (`DatabaseQueue.inDatabase` called from a thread other than its own runs the block inline on
/// that thread when the connection is idle, which it always is: only this queue uses it). The
/// connection is none of the pool's readers, so the node's stages keep all of theirs however hard
/// the API is hammered; the queue runs one read at a time and the API's request gate bounds how
/// many wait on it.
final class AttestationDetailConnection: Sendable {
    private let connection: DatabaseQueue
    private let queue = DispatchQueue(label: "bridge.attestation-detail-reader")

    /// Opens a read-only connection to the (already migrated, WAL mode) database at `path`.
    init(path: String) throws {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        configuration.label = "attestation-detail-reader"
        connection = try DatabaseQueue(path: path, configuration: configuration)
    }

    /// Runs `read` on the connection (one statement, or several that need not agree) and returns its result.
    func read<T: Sendable>(_ read: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { [connection] in
                continuation.resume(with: Result { try connection.inDatabase(read) })
            }
        }
    }
}
