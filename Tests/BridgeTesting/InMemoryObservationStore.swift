// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import Synchronization

/// The watcher's and re-observer's `ObservationStore` in memory, with the SQLite store's rules:
/// `commitScan` is atomic (records, bridge-event changes and the cursor together, or nothing when
/// a scripted failure hits it), an observation is stored once, the cursor never moves backwards,
/// a withdrawal rejects only what is not yet submitted, a completion or re-sign applies only from
/// the statuses the SQLite store allows.
public final class InMemoryObservationStore: ObservationStore {
    /// A stored observation and its current status.
    public struct Stored: Sendable, Hashable {
        public var record: ObservationRecord
        public var status: AttestationStatus
        public var reason: String?
    }

    struct State {
        var cursors: [String: UInt64] = [:]
        var observations: [ObservationID: Stored] = [:]
        var koinosLocks: [KoinosLockID: AttestationStatus] = [:]
        var commits = 0
        var failingCommits = 0
    }

    /// The SQLite store's rule (`BridgeDatabase.completableKoinosStatuses`).
    static let completable: Set<AttestationStatus> = [.observed, .signing, .quorum, .submitted, .expired]

    private let state = Mutex(State())

    public init() {}

    // MARK: Script and inspect

    /// The next `count` commits fail, changing nothing.
    public func failCommits(_ count: Int) { state.withLock { $0.failingCommits = count } }
    /// Stores a Koinos lock's status (what a completion event names).
    public func setKoinosLock(_ id: KoinosLockID, status: AttestationStatus) { state.withLock { $0.koinosLocks[id] = status } }
    /// Sets a stored observation's status (the aggregator or submitter moved it on).
    public func setStatus(_ id: ObservationID, _ status: AttestationStatus) { state.withLock { $0.observations[id]?.status = status } }
    /// Every stored observation, in block and log order.
    public var stored: [Stored] {
        state.withLock { Array($0.observations.values) }.sorted {
            ($0.record.observation.blockNumber, $0.record.observation.id.logIndex) < ($1.record.observation.blockNumber, $1.record.observation.id.logIndex)
        }
    }
    /// Successful `commitScan` calls.
    public var commits: Int { state.withLock { $0.commits } }
    public func koinosLock(_ id: KoinosLockID) -> AttestationStatus? { state.withLock { $0.koinosLocks[id] } }

    // MARK: ObservationStore

    public func cursorBlock(_ name: String) async throws -> UInt64? { state.withLock { $0.cursors[name] } }

    public func commitScan(
        cursor name: String, nextBlock: UInt64, records: [ObservationRecord], completions: [EthereumCompletion],
        resigns: [ObservationResign], nowMs: UInt64
    ) async throws -> ScanCommit {
        try state.withLock { s in
            if s.failingCommits > 0 {
                s.failingCommits -= 1
                throw InMemoryStoreError.scriptedFailure
            }
            var next = s  // applied to `s` only at the end: all or nothing
            var commit = ScanCommit(inserted: [], duplicates: [])
            for record in records {
                if next.observations[record.observation.id] == nil {
                    next.observations[record.observation.id] = Stored(record: record, status: record.status, reason: record.reason)
                    commit.inserted.append(record.observation.id)
                } else {
                    commit.duplicates.append(record.observation.id)
                }
            }
            for c in completions {
                guard let status = next.koinosLocks[c.lock], Self.completable.contains(status) else { continue }
                next.koinosLocks[c.lock] = .completed
                commit.completed.append(c.lock)
            }
            for r in resigns {
                guard var stored = next.observations[r.id], stored.record.digest == r.oldDigest, AttestationStatus.resignable.contains(stored.status)
                else { continue }
                stored.status = .observed
                stored.record.digest = r.digest
                stored.record.message?.expiration = r.expiration
                next.observations[r.id] = stored
                commit.resigned.append(r.id)
            }
            next.cursors[name] = max(next.cursors[name] ?? 0, nextBlock)
            next.commits += 1
            s = next
            return commit
        }
    }

    public func observationBlocks(chainID: UInt64, fromBlock: UInt64, limit: Int) async throws -> [ObservationBlock] {
        Array(stored.filter { $0.record.observation.id.chainID == chainID && $0.record.observation.blockNumber >= fromBlock && $0.status != .rejected }
            .prefix(limit)
            .map { ObservationBlock(id: $0.record.observation.id, blockNumber: $0.record.observation.blockNumber, blockHash: $0.record.observation.blockHash) })
    }

    public func markReorgedAfterFinality(_ ids: [ObservationID], blockNumber: UInt64, nowMs: UInt64) async throws -> [ObservationID: AttestationStatus] {
        state.withLock { s in
            var previous: [ObservationID: AttestationStatus] = [:]
            for id in ids {
                guard let stored = s.observations[id] else { continue }
                previous[id] = stored.status
                if [.observed, .signing, .quorum].contains(stored.status) {
                    s.observations[id]?.status = .rejected
                    s.observations[id]?.reason = "reorged_after_finality: block \(blockNumber) was replaced"
                }
            }
            return previous
        }
    }

    public func attestationStatus(of id: ObservationID) async throws -> AttestationStatus? { state.withLock { $0.observations[id]?.status } }

    public func storeReobservedObservation(_ record: ObservationRecord, nowMs: UInt64) async throws -> Bool {
        state.withLock { s in
            guard s.observations[record.observation.id] == nil else { return false }
            s.observations[record.observation.id] = Stored(record: record, status: record.status, reason: record.reason)
            return true
        }
    }

    public func koinosLockStatus(_ id: KoinosLockID) async throws -> AttestationStatus? { state.withLock { $0.koinosLocks[id] } }

    public func transfersForResign(chainID: UInt64, transactionHash: [UInt8]) async throws -> [StoredTransferForResign] {
        stored.filter { $0.record.observation.id.chainID == chainID && $0.record.observation.id.transactionHash == transactionHash }.map {
            StoredTransferForResign(
                id: $0.record.observation.id, profile: $0.record.observation.profile, status: $0.status,
                expiration: $0.record.message?.expiration, message: $0.record.message?.encoded(), digest: $0.record.digest)
        }
    }
}

/// A scripted store failure.
public enum InMemoryStoreError: Error, Sendable, Hashable {
    case scriptedFailure
}
