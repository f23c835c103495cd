// SPDX-License-Identifier: Apache-2.0
public import BridgeCore

/// The watcher's and re-observer's `ObservationStore` over the node's SQLite database: the
/// `observation`, `cursor` and `koinos_observation` tables, one transaction per call.
public struct SQLiteObservationStore: ObservationStore {
    public let database: BridgeDatabase

    public init(_ database: BridgeDatabase) { self.database = database }

    public func cursorBlock(_ name: String) async throws -> UInt64? {
        try await database.cursorBlock(name)
    }

    public func commitScan(
        cursor name: String, nextBlock: UInt64, records: [ObservationRecord], completions: [EthereumCompletion],
        resigns: [ObservationResign], nowMs: UInt64
    ) async throws -> ScanCommit {
        try await database.commitScan(cursor: name, nextBlock: nextBlock, records: records, completions: completions, resigns: resigns, nowMs: nowMs)
    }

    public func observationBlocks(chainID: UInt64, fromBlock: UInt64, limit: Int) async throws -> [ObservationBlock] {
        try await database.observationBlocks(chainID: chainID, fromBlock: fromBlock, limit: limit)
    }

    public func markReorgedAfterFinality(_ ids: [ObservationID], blockNumber: UInt64, nowMs: UInt64) async throws -> [ObservationID: AttestationStatus] {
        try await database.markReorgedAfterFinality(ids, blockNumber: blockNumber, nowMs: nowMs)
    }

    public func attestationStatus(of id: ObservationID) async throws -> AttestationStatus? {
        try await database.attestationStatus(of: id)
    }

    public func storeReobservedObservation(_ record: ObservationRecord, nowMs: UInt64) async throws -> Bool {
        try await database.storeReobservedObservation(record, nowMs: nowMs)
    }

    public func koinosLockStatus(_ id: KoinosLockID) async throws -> AttestationStatus? {
        try await database.koinosLockStatus(id)
    }

    public func transfersForResign(chainID: UInt64, transactionHash: [UInt8]) async throws -> [StoredTransferForResign] {
        try await database.transfersForResign(chainID: chainID, transactionHash: transactionHash)
    }
}
