// SPDX-License-Identifier: Apache-2.0
public import BridgeStore
import GRDB
public import Logging
public import ServiceLifecycle

/// Keeps the database open for the node's lifetime; first to start, last to stop.
///
/// On graceful shutdown it waits for the writer queue to drain (GRDB serialises writes, so the
/// checkpoint below runs only after every in-flight write transaction has committed) and
/// checkpoints the WAL, so the data directory is compact and complete when the process exits.
public struct StoreService: Service {
    public let database: BridgeDatabase
    let logger: Logger

    public init(database: BridgeDatabase, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    public func run() async throws {
        try? await gracefulShutdown()
        // In a task of its own: when the group is cancelled (a service failed to start) the
        // checkpoint still runs instead of failing with a misleading CancellationError.
        let writer = database.writer
        do {
            try await Task {
                try await writer.writeWithoutTransaction { db in
                    try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
                }
            }.value
            logger.info("store closed cleanly")
        } catch {
            logger.warning("store checkpoint at shutdown failed", metadata: ["error": "\(error)"])
        }
    }
}
