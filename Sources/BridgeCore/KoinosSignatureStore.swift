// SPDX-License-Identifier: Apache-2.0

/// Where the Koinos lock signer and the signature exchange keep the Koinos → Ethereum signatures:
/// the locks waiting for ours, every stored signature of a digest, and the quorum set
/// (`SQLiteKoinosSignatureStore` in production).
public protocol KoinosSignatureStore: Sendable {
    /// `observed` Koinos locks with a message (oldest block first), at most `limit`.
    func koinosLocksToSign(limit: Int) async throws -> [KoinosLockToSign]
    /// Stores signatures (a repeated (digest, validator) is ignored) in one transaction; `own`
    /// ones move their lock from `observed` to `signing`. Returns how many were new.
    @discardableResult
    func storeKoinosSignatures(_ signatures: [KoinosLockSignature], own: Bool, nowMs: UInt64) async throws -> Int
    /// Every stored signature of `digest`.
    func koinosSignatures(digest: [UInt8]) async throws -> [KoinosLockSignature]
    /// The current digests of the newest `limit` locks still `signing` that `validator` signed
    /// (what the catch-up asks the peers about).
    func koinosDigestsAwaitingPeers(signedBy validator: [UInt8], limit: Int) async throws -> [[UInt8]]
    /// Records the contract-minimal set for the lock's CURRENT digest: status `quorum`, the
    /// signatures in submission order. A set for a stale digest changes nothing. Returns whether
    /// the lock changed.
    @discardableResult
    func markKoinosQuorum(_ id: KoinosLockID, digest: [UInt8], submission: [ValidatorSignature], nowMs: UInt64) async throws -> Bool
    /// The stored lock (any status) with its current digest's signatures, or nil.
    func koinosLock(_ id: KoinosLockID) async throws -> KoinosLockView?
    /// Stored locks, newest block first, optionally of one status.
    func koinosLocks(status: AttestationStatus?, limit: Int) async throws -> [KoinosLockView]
}

/// The outflow governor's Koinos → Ethereum side: the same decisions table as the other direction
/// (`GovernorRepository`), keyed by Koinos lock ids (`SQLiteGovernorRepository` in production).
public protocol KoinosGovernorStore: Sendable {
    /// Source facts (Koinos token contract, amount, Koinos block time) of the given locks; a lock
    /// that is not stored or whose amount is not a u64 is left out.
    func koinosGovernorCandidates(_ ids: [KoinosLockID]) async throws -> [KoinosLockID: GovernorCandidate]
    /// Decisions for `tokens` (both directions) whose effective instant is after `sinceMilliseconds`.
    func governorHistory(tokens: [[UInt8]], sinceMilliseconds: UInt64) async throws -> [GovernorEntry]
    /// Stores decisions and, in the same transaction, the held locks' messages with the
    /// expiration moved past their release time (`extended`).
    func recordKoinosGovernorDecisions(_ entries: [GovernorEntry], extended: [KoinosResign], atMilliseconds now: UInt64) async throws
    /// Moves `delayed` Koinos locks whose release time is ≤ `now` back to `observed`; returns them.
    func releaseDueKoinosTransfers(atMilliseconds now: UInt64) async throws -> [KoinosLockID]
}
