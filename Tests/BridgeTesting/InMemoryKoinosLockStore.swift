// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import Synchronization

/// The Koinos lock watcher's port in memory, with the database's rules: a window's locks, re-signs
/// and completions are stored with its cursor in one step or not at all (a scripted failure leaves
/// both as they were), a lock already stored is never stored twice, and the cursor never moves
/// backwards. Ethereum → Koinos observations a completion event can complete are scripted
/// (`addEthereumObservations`).
public final class InMemoryKoinosLockStore: KoinosLockStore {
    /// What a scripted failure throws.
    public struct ScriptedFailure: Error, Sendable, Hashable, CustomStringConvertible {
        public let call: String
        public var description: String { "scripted store failure on \(call)" }
    }

    private struct State {
        var cursors: [String: KoinosScanCursor] = [:]
        var locks: [KoinosLockID: KoinosLockView] = [:]
        /// Ethereum transaction hash → its observations' ids and whether each is completed.
        var ethereum: [[UInt8]: [String: Bool]] = [:]
        var commits = 0
        var failingCommits = 0
    }

    private let state = Mutex(State())

    public init() {}

    // MARK: Script

    /// The next `count` commits throw `ScriptedFailure` and store nothing (a crash or a full disk).
    public func failNextCommits(_ count: Int) { state.withLock { $0.failingCommits = max(0, count) } }

    /// Ethereum → Koinos observations `ids` of Ethereum transaction `hash`, not completed yet.
    public func addEthereumObservations(hash: [UInt8], ids: [String]) {
        state.withLock { s in for id in ids { s.ethereum[hash, default: [:]][id] = false } }
    }

    /// Every stored lock, oldest block first.
    public var locks: [KoinosLockView] {
        state.withLock { $0.locks.values.sorted { ($0.blockHeight, $0.id) < ($1.blockHeight, $1.id) } }
    }

    /// How many windows were committed (failed ones left out).
    public var commits: Int { state.withLock { $0.commits } }

    /// Whether Ethereum → Koinos observation `id` is completed.
    public func isCompleted(_ id: String) -> Bool {
        state.withLock { s in s.ethereum.values.contains { $0[id] == true } }
    }

    // MARK: KoinosLockStore

    public func koinosCursor(_ name: String) async throws -> KoinosScanCursor? {
        state.withLock { $0.cursors[name] }
    }

    public func commitKoinosWindow(
        cursor name: String, to cursor: KoinosScanCursor, records: [KoinosLockRecord], resigns: [KoinosResign],
        completions: [KoinosTransferCompletion], nowMs: UInt64
    ) async throws -> KoinosWindowCommit {
        try state.withLock { s throws(ScriptedFailure) in
            if s.failingCommits > 0 {
                s.failingCommits -= 1
                throw ScriptedFailure(call: "commitKoinosWindow")
            }
            var commit = KoinosWindowCommit()
            for record in records where s.locks[record.observation.id] == nil {
                s.locks[record.observation.id] = KoinosLockView(record, nowMs: nowMs)
                commit.inserted.append(record.observation.id)
            }
            for r in resigns {
                guard let status = s.locks[r.id]?.status, ["observed", "signing", "quorum", "expired"].contains(status) else { continue }
                s.locks[r.id]?.status = AttestationStatus.observed.rawValue
                s.locks[r.id]?.expiration = r.expiration
                s.locks[r.id]?.message = r.message
                s.locks[r.id]?.digest = r.digest
                s.locks[r.id]?.updatedAtMs = nowMs
            }
            for completion in completions {
                commit.completions.append(Self.complete(completion, &s))
            }
            if (s.cursors[name]?.nextHeight ?? 0) < cursor.nextHeight { s.cursors[name] = cursor }
            s.commits += 1
            return commit
        }
    }

    public func koinosLock(_ id: KoinosLockID) async throws -> KoinosLockView? {
        state.withLock { $0.locks[id] }
    }

    private static func complete(_ completion: KoinosTransferCompletion, _ s: inout State) -> KoinosCompletionOutcome {
        guard let observations = s.ethereum[completion.ethereumTransactionHash], !observations.isEmpty else { return .unknown }
        let open = observations.filter { !$0.value }.keys.sorted()
        guard !open.isEmpty else { return .alreadySettled }
        for id in open { s.ethereum[completion.ethereumTransactionHash]?[id] = true }
        return .completed(open)
    }
}

extension KoinosLockView {
    /// A judged lock as the watcher's commit stores it (no signatures yet).
    public init(_ record: KoinosLockRecord, nowMs: UInt64) {
        let o = record.observation
        self.init(
            id: o.id, profile: o.profile.rawValue, status: record.status.rawValue, reason: record.reason, blockHeight: o.blockHeight,
            blockTimeMs: o.blockTimeMs, sender: o.sender, token: o.token, ethToken: record.message?.token, amount: o.amount, payment: o.payment,
            recipient: o.recipient, relayer: o.relayer, metadata: o.metadata, destinationChain: o.destinationChain,
            expiration: record.message?.expiration, digest: record.digest, message: record.message?.packed(), signatures: [])
        createdAtMs = nowMs
        updatedAtMs = nowMs
    }
}
