// SPDX-License-Identifier: Apache-2.0

/// A transfer waiting for the signing round, with what the governor needs to know about it.
public struct GovernorCandidate: Sendable, Hashable {
    public var transfer: GovernedTransfer
    /// Already decided (e.g. delayed, then released): it is signed, not decided again.
    public var decided: Bool

    public init(transfer: GovernedTransfer, decided: Bool) {
        self.transfer = transfer
        self.decided = decided
    }
}

/// A governed transfer as operators see it.
public struct GovernorQueueItem: Sendable, Hashable {
    public var entry: GovernorEntry
    /// The observation's status now (`delayed` while it waits).
    public var status: AttestationStatus

    public init(entry: GovernorEntry, status: AttestationStatus) {
        self.entry = entry
        self.status = status
    }
}

/// A held Ethereum → Koinos transfer's Koinos message with its expiration counted from the
/// release time (same lifetime), and its sha256: what every validator signs at release.
public struct HeldTransferMessage: Sendable, Hashable {
    public var id: ObservationID
    public var expiration: UInt64
    public var message: [UInt8]
    public var digest: [UInt8]

    public init(id: ObservationID, expiration: UInt64, message: [UInt8], digest: [UInt8]) {
        self.id = id
        self.expiration = expiration
        self.message = message
        self.digest = digest
    }
}

/// Durable governor state: every decision, so a restart keeps the window and the queue.
public protocol GovernorRepository: Sendable {
    /// Source facts of the given observations (missing ids: not stored or amount unreadable).
    func governorCandidates(_ ids: [ObservationID]) async throws -> [ObservationID: GovernorCandidate]
    /// Decisions for `tokens` whose effective instant is after `sinceMilliseconds` (the window's history).
    func governorHistory(tokens: [[UInt8]], sinceMilliseconds: UInt64) async throws -> [GovernorEntry]
    /// Stores decisions in one transaction; a delayed one moves its observation `observed` → `delayed`.
    func recordGovernorDecisions(_ entries: [GovernorEntry], atMilliseconds now: UInt64) async throws
    /// The same, and in the same transaction the held transfers' messages (expiration, message,
    /// digest) replaced by `heldMessages`, so the old digest is never signed.
    func recordGovernorDecisions(_ entries: [GovernorEntry], heldMessages: [HeldTransferMessage], atMilliseconds now: UInt64) async throws
    /// Moves `delayed` observations whose release time is ≤ `now` back to `observed`; returns them.
    func releaseDueTransfers(atMilliseconds now: UInt64) async throws -> [ObservationID]
    /// An operator releases one delayed transfer (either direction) early (back to `observed`);
    /// false when it is not delayed.
    func releaseTransferEarly(_ id: GovernedTransferID, atMilliseconds now: UInt64) async throws -> Bool
    /// Transfers still waiting (status `delayed`, both directions), release order.
    func governorQueue() async throws -> [GovernorQueueItem]
}

extension GovernorRepository {
    /// Releases an Ethereum → Koinos transfer early (see `releaseTransferEarly(_:atMilliseconds:)`).
    public func releaseTransferEarly(_ id: ObservationID, atMilliseconds now: UInt64) async throws -> Bool {
        try await releaseTransferEarly(.ethereum(id), atMilliseconds: now)
    }
}
