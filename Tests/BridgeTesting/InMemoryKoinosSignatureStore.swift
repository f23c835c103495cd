// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import Synchronization

/// The Koinos lock signer's two ports in memory, with the database's rules: locks `observed` →
/// `signing` → `quorum` and `observed` ⇄ `delayed`, signatures kept per digest and validator (the
/// first one stored wins), the quorum set only for the lock's current digest, and the governor's
/// decisions (a decision is never replaced). Each call is atomic, as the database's transaction is.
public final class InMemoryKoinosSignatureStore: KoinosSignatureStore, KoinosGovernorStore {
    private struct State {
        var locks: [KoinosLockID: KoinosLockView] = [:]
        /// Digest → validator → signature.
        var signatures: [[UInt8]: [[UInt8]: KoinosLockSignature]] = [:]
        var submissions: [KoinosLockID: [ValidatorSignature]] = [:]
        var decisions: [GovernedTransferID: GovernorEntry] = [:]
        var writes = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// Stores a judged lock as the watcher's commit does (a lock already stored is left as it is).
    public func add(_ record: KoinosLockRecord, atMilliseconds now: UInt64) {
        let view = KoinosLockView(record, nowMs: now)
        state.withLock { s in
            if s.locks[view.id] == nil { s.locks[view.id] = view }
        }
    }

    /// The quorum set stored for `id`, nil before quorum.
    public func submission(of id: KoinosLockID) -> [ValidatorSignature]? { state.withLock { $0.submissions[id] } }

    /// How many calls changed something so far.
    public var writes: Int { state.withLock { $0.writes } }

    // MARK: KoinosSignatureStore

    public func koinosLocksToSign(limit: Int) async throws -> [KoinosLockToSign] {
        state.withLock { s in
            let ready = s.locks.values.filter { $0.status == AttestationStatus.observed.rawValue }.sorted(by: Self.oldestBlockFirst)
                .compactMap { lock -> KoinosLockToSign? in
                    guard let digest = lock.digest, let message = lock.message else { return nil }
                    return KoinosLockToSign(id: lock.id, digest: digest, message: message)
                }
            return Array(ready.prefix(max(0, limit)))
        }
    }

    @discardableResult
    public func storeKoinosSignatures(_ signatures: [KoinosLockSignature], own: Bool, nowMs: UInt64) async throws -> Int {
        state.withLock { s in
            var added = 0
            for signature in signatures {
                if s.signatures[signature.digest, default: [:]][signature.validator] == nil {
                    s.signatures[signature.digest, default: [:]][signature.validator] = signature
                    added += 1
                }
                if own, let lock = s.locks[signature.id], lock.status == AttestationStatus.observed.rawValue, lock.digest == signature.digest {
                    Self.move(&s, signature.id, to: .signing, now: nowMs)
                }
            }
            if added > 0 { s.writes += 1 }
            return added
        }
    }

    public func koinosSignatures(digest: [UInt8]) async throws -> [KoinosLockSignature] {
        state.withLock { Self.signatures(of: digest, in: $0) }
    }

    public func koinosDigestsAwaitingPeers(signedBy validator: [UInt8], limit: Int) async throws -> [[UInt8]] {
        state.withLock { s in
            let waiting = s.locks.values.filter { $0.status == AttestationStatus.signing.rawValue }.sorted(by: Self.newestBlockFirst)
                .compactMap { lock -> [UInt8]? in
                    guard let digest = lock.digest, s.signatures[digest]?[validator] != nil else { return nil }
                    return digest
                }
            return Array(waiting.prefix(max(0, limit)))
        }
    }

    @discardableResult
    public func markKoinosQuorum(_ id: KoinosLockID, digest: [UInt8], submission: [ValidatorSignature], nowMs: UInt64) async throws -> Bool {
        state.withLock { s in
            guard let lock = s.locks[id], lock.digest == digest,
                  lock.status == AttestationStatus.observed.rawValue || lock.status == AttestationStatus.signing.rawValue
            else { return false }
            s.submissions[id] = submission
            Self.move(&s, id, to: .quorum, now: nowMs)
            return true
        }
    }

    public func koinosLock(_ id: KoinosLockID) async throws -> KoinosLockView? {
        state.withLock { s in s.locks[id].map { Self.withSignatures($0, s) } }
    }

    public func koinosLocks(status: AttestationStatus?, limit: Int) async throws -> [KoinosLockView] {
        state.withLock { s in
            let locks = s.locks.values.filter { status == nil || $0.status == status?.rawValue }.sorted(by: Self.newestBlockFirst)
            return locks.prefix(max(0, limit)).map { Self.withSignatures($0, s) }
        }
    }

    // MARK: KoinosGovernorStore

    public func koinosGovernorCandidates(_ ids: [KoinosLockID]) async throws -> [KoinosLockID: GovernorCandidate] {
        state.withLock { s in
            var out: [KoinosLockID: GovernorCandidate] = [:]
            for id in ids {
                guard let lock = s.locks[id], let amount = UInt64(lock.amount) else { continue }
                let transfer = GovernedTransfer(id: .koinos(id), token: lock.token, amount: amount, sourceTimeMilliseconds: lock.blockTimeMs)
                out[id] = GovernorCandidate(transfer: transfer, decided: s.decisions[.koinos(id)] != nil)
            }
            return out
        }
    }

    public func governorHistory(tokens: [[UInt8]], sinceMilliseconds: UInt64) async throws -> [GovernorEntry] {
        state.withLock { s in
            s.decisions.values.filter { tokens.contains($0.transfer.token) && $0.effectiveMilliseconds > sinceMilliseconds }
                .sorted { ($0.effectiveMilliseconds, $0.transfer.id.description) < ($1.effectiveMilliseconds, $1.transfer.id.description) }
        }
    }

    public func recordKoinosGovernorDecisions(_ entries: [GovernorEntry], extended: [KoinosResign], atMilliseconds now: UInt64) async throws {
        guard !entries.isEmpty else { return }
        state.withLock { s in
            for entry in entries {
                if s.decisions[entry.transfer.id] == nil { s.decisions[entry.transfer.id] = entry }
                guard case .delayed = entry.decision, case .koinos(let id) = entry.transfer.id,
                      s.locks[id]?.status == AttestationStatus.observed.rawValue
                else { continue }
                Self.move(&s, id, to: .delayed, now: now)
            }
            for resign in extended where s.locks[resign.id]?.status == AttestationStatus.delayed.rawValue {
                s.locks[resign.id]?.expiration = resign.expiration
                s.locks[resign.id]?.message = resign.message
                s.locks[resign.id]?.digest = resign.digest
                s.locks[resign.id]?.updatedAtMs = now
            }
            s.writes += 1
        }
    }

    public func releaseDueKoinosTransfers(atMilliseconds now: UInt64) async throws -> [KoinosLockID] {
        state.withLock { s in
            let due = s.locks.values.filter { $0.status == AttestationStatus.delayed.rawValue }
                .compactMap { lock -> (UInt64, KoinosLockID)? in
                    guard case .delayed(let release, _)? = s.decisions[.koinos(lock.id)]?.decision, release <= now else { return nil }
                    return (release, lock.id)
                }
                .sorted { ($0.0, $0.1) < ($1.0, $1.1) }
                .map(\.1)
            for id in due { Self.move(&s, id, to: .observed, now: now) }
            if !due.isEmpty { s.writes += 1 }
            return due
        }
    }

    // MARK: Helpers

    private static func move(_ s: inout State, _ id: KoinosLockID, to status: AttestationStatus, now: UInt64) {
        s.locks[id]?.status = status.rawValue
        s.locks[id]?.updatedAtMs = now
    }

    private static func signatures(of digest: [UInt8], in s: State) -> [KoinosLockSignature] {
        (s.signatures[digest] ?? [:]).values.sorted { $0.validator.lexicographicallyPrecedes($1.validator) }
    }

    private static func withSignatures(_ lock: KoinosLockView, _ s: State) -> KoinosLockView {
        var lock = lock
        lock.signatures = lock.digest.map { signatures(of: $0, in: s) } ?? []
        return lock
    }

    /// The store's order: block height, then the lock id (transaction id, operation id).
    private static func oldestBlockFirst(_ a: KoinosLockView, _ b: KoinosLockView) -> Bool {
        (a.blockHeight, a.id) < (b.blockHeight, b.id)
    }

    private static func newestBlockFirst(_ a: KoinosLockView, _ b: KoinosLockView) -> Bool {
        a.blockHeight != b.blockHeight ? a.blockHeight > b.blockHeight : a.id < b.id
    }
}
