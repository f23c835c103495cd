// SPDX-License-Identifier: Apache-2.0

/// What the Ethereum watcher and the re-observer read from and write to the durable store: the
/// scan cursor, the observations, and what the bridge events of a window change.
///
/// `SQLiteObservationStore` (BridgeStore) is the production one; tests use an in-memory one.
public protocol ObservationStore: Sendable {
    /// The first block not yet scanned for cursor `name`, or nil when it was never saved.
    func cursorBlock(_ name: String) async throws -> UInt64?

    /// Stores `records`, applies `completions` and `resigns`, and moves cursor `name` to
    /// `nextBlock` (never backwards) in ONE atomic step: after a crash either all of it is durable
    /// or none. A record already stored is reported in `duplicates`, not stored again.
    func commitScan(
        cursor name: String, nextBlock: UInt64, records: [ObservationRecord], completions: [EthereumCompletion],
        resigns: [ObservationResign], nowMs: UInt64
    ) async throws -> ScanCommit

    /// Block number and hash of every stored, not rejected observation of `chainID` at or above
    /// `fromBlock`, lowest first, at most `limit` (the deep-reorg check after a restart).
    func observationBlocks(chainID: UInt64, fromBlock: UInt64, limit: Int) async throws -> [ObservationBlock]

    /// Withdraws observations whose block was replaced after finality (those not yet submitted
    /// become `rejected`, `reorged_after_finality`); returns each id's status before the call.
    func markReorgedAfterFinality(_ ids: [ObservationID], blockNumber: UInt64, nowMs: UInt64) async throws -> [ObservationID: AttestationStatus]

    /// The status of one stored observation, nil when absent.
    func attestationStatus(of id: ObservationID) async throws -> AttestationStatus?

    /// Stores one observation found outside the scan (re-observed), every cursor left as it is.
    /// False, changing nothing, when it is already stored.
    func storeReobservedObservation(_ record: ObservationRecord, nowMs: UInt64) async throws -> Bool

    /// The stored status of Koinos lock `id` (a completion event names it), nil when unknown.
    func koinosLockStatus(_ id: KoinosLockID) async throws -> AttestationStatus?

    /// The stored Ethereum → Koinos transfers of lock transaction `transactionHash` (a re-sign request names it).
    func transfersForResign(chainID: UInt64, transactionHash: [UInt8]) async throws -> [StoredTransferForResign]
}

extension ObservationStore {
    /// `commitScan` of records only (no bridge events).
    public func commitScan(cursor name: String, nextBlock: UInt64, records: [ObservationRecord], nowMs: UInt64) async throws -> ScanCommit {
        try await commitScan(cursor: name, nextBlock: nextBlock, records: records, completions: [], resigns: [], nowMs: nowMs)
    }
}
