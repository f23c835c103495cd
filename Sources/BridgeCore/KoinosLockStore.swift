// SPDX-License-Identifier: Apache-2.0

/// Where the Koinos lock watcher keeps what it read: each window's judged locks, honoured re-sign
/// requests and completion events committed with the cursor that covers them, and the stored locks
/// it judges re-sign requests against (`SQLiteKoinosLockStore` in production).
public protocol KoinosLockStore: Sendable {
    /// The stored Koinos cursor `name`, or nil when no window was ever committed.
    func koinosCursor(_ name: String) async throws -> KoinosScanCursor?
    /// Stores `records` and moves Koinos cursor `name` to `cursor` in ONE transaction: a crash
    /// loses both (the window is read again) or keeps both, so a lock is never lost or stored twice.
    /// The cursor never moves backwards.
    ///
    /// `resigns` (honoured re-sign requests of this window) go back to `observed` with their new
    /// expiration, message and digest in the same transaction; the old digest's signatures stay
    /// stored under the old digest and are never counted for the new one. Each of `completions`
    /// completes the Ethereum → Koinos observations of its Ethereum transaction, in the same
    /// transaction. Returns the ids stored by this commit (a rescan's duplicates are left out) and
    /// what each completion did.
    func commitKoinosWindow(
        cursor name: String, to cursor: KoinosScanCursor, records: [KoinosLockRecord], resigns: [KoinosResign],
        completions: [KoinosTransferCompletion], nowMs: UInt64
    ) async throws -> KoinosWindowCommit
    /// The stored lock (any status) with its current digest's signatures, or nil.
    func koinosLock(_ id: KoinosLockID) async throws -> KoinosLockView?
}

extension KoinosLockStore {
    /// `commitKoinosWindow` without completion events; returns the ids stored by this commit.
    public func commitKoinosScan(
        cursor name: String, to cursor: KoinosScanCursor, records: [KoinosLockRecord], resigns: [KoinosResign] = [], nowMs: UInt64
    ) async throws -> [KoinosLockID] {
        try await commitKoinosWindow(cursor: name, to: cursor, records: records, resigns: resigns, completions: [], nowMs: nowMs).inserted
    }
}
