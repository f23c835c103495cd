// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import Logging

/// The outflow governor as the aggregator uses it: the policy, where its decisions are kept, and
/// the sha256 of a held transfer's message re-expired from its release time.
public struct AggregatorGovernor: Sendable {
    public var policy: GovernorPolicy
    public var store: any GovernorRepository
    public var hashing: any DigestHashing

    public init(policy: GovernorPolicy, store: any GovernorRepository, hashing: any DigestHashing) {
        self.policy = policy
        self.store = store
        self.hashing = hashing
    }
}

extension Aggregator {
    /// Delayed transfers whose release time has come go back to `observed` (signed this round).
    func releaseDueTransfers(_ governor: AggregatorGovernor) async throws {
        let released = try await governor.store.releaseDueTransfers(atMilliseconds: clock.nowMilliseconds)
        for id in released { logger.info("Governor released a delayed transfer", metadata: ["transfer.id": "\(id)"]) }
    }

    /// Decides every governed, undecided row (in source order) and stores the decisions; returns
    /// the rows to sign now. Delayed rows become `delayed` in the store and are not signed.
    func governed(_ rows: [PendingObservation], by governor: AggregatorGovernor) async throws -> [PendingObservation] {
        let candidates = try await governor.store.governorCandidates(rows.map(\.id))
        let undecided = Governor.undecided(rows.compactMap { candidates[$0.id] }, policy: governor.policy)
        guard let since = Governor.historyStart(of: undecided, policy: governor.policy) else { return rows }
        let history = try await governor.store.governorHistory(tokens: Array(Set(undecided.map(\.token))), sinceMilliseconds: since)
        let entries = Governor.decideAll(undecided, policy: governor.policy, history: history)
        var held: Set<GovernedTransferID> = []
        var messages: [HeldTransferMessage] = []
        let byID = Dictionary(rows.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for entry in entries {
            if case .delayed(let release, let reason) = entry.decision {
                held.insert(entry.transfer.id)
                if case .ethereum(let id) = entry.transfer.id, let row = byID[id] {
                    if let moved = Self.messageAfterRelease(
                        row, blockTimeMilliseconds: entry.transfer.sourceTimeMilliseconds, releaseAtMilliseconds: release, hashing: governor.hashing)
                    {
                        messages.append(moved)
                    } else {
                        logger.warning("Governor kept a held transfer's expiration (message unreadable or expiration out of range)",
                                       metadata: ["transfer.id": "\(id)"])
                    }
                }
                logger.notice("Governor delayed a transfer", metadata: [
                    "transfer.id": "\(entry.transfer.id)", "amount": "\(entry.transfer.amount)", "reason": "\(reason.rawValue)",
                    "release_at_ms": "\(release)",
                ])
            }
        }
        try await governor.store.recordGovernorDecisions(entries, heldMessages: messages, atMilliseconds: clock.nowMilliseconds)
        return rows.filter { !held.contains(.ethereum($0.id)) }
    }

    /// The held transfer's Koinos message with its expiration counted from the release time
    /// instead of the block time (same lifetime: old expiration − block time), and its sha256, so
    /// the signatures made at release are not born expired. Deterministic (scheduled release time,
    /// stored message), so every validator with the same configuration signs the same digest —
    /// also after `governor release`, which signs this message early (expiration later than its
    /// own release time + lifetime, never earlier). Nil when the message cannot be moved
    /// (unreadable, expiration before the block time, overflow).
    static func messageAfterRelease(
        _ row: PendingObservation, blockTimeMilliseconds blockTime: UInt64, releaseAtMilliseconds release: UInt64, hashing: any DigestHashing
    ) -> HeldTransferMessage? {
        guard let old = KoinosTransferMessage.expiration(ofEncoded: row.message, profile: row.profile), old >= blockTime,
              case (let expiration, false) = release.addingReportingOverflow(old - blockTime), expiration > old,
              let message = KoinosTransferMessage.reexpired(row.message, profile: row.profile, expiration: expiration)
        else { return nil }
        return HeldTransferMessage(id: row.id, expiration: expiration, message: message, digest: hashing.sha256(message))
    }

    /// The governor gauges of every governed token (`AggregatorMetrics.governor`).
    func recordGovernorMetrics() async throws {
        for reading in try await governorReadings() { metrics.governor(reading) }
    }

    /// Per governed token, what the governor metrics report now (empty without a governor).
    public func governorReadings() async throws -> [GovernorReading] {
        guard let governor else { return [] }
        let now = clock.nowMilliseconds
        let tokens = governor.policy.tokens.keys.sorted { $0.lexicographicallyPrecedes($1) }
        let since = now > governor.policy.windowMilliseconds ? now - governor.policy.windowMilliseconds : 0
        let decider = Governor(policy: governor.policy, history: try await governor.store.governorHistory(tokens: tokens, sinceMilliseconds: since))
        let queue = try await governor.store.governorQueue()
        return tokens.map { token in
            GovernorReading(
                token: token, used: decider.used(token: token, atMilliseconds: now), dailyLimit: governor.policy.tokens[token]?.dailyLimit ?? 0,
                queued: queue.filter { $0.entry.transfer.token == token }.count)
        }
    }
}

/// One token's governor metrics.
public struct GovernorReading: Sendable, Hashable {
    public var token: [UInt8]
    public var used: UInt128
    public var dailyLimit: UInt64
    public var queued: Int
}
