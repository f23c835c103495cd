// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import CoreMetrics
import Logging

/// The outflow governor as the aggregator uses it: the policy and where its decisions are kept.
public struct AggregatorGovernor: Sendable {
    public var policy: GovernorPolicy
    public var store: any GovernorRepository

    public init(policy: GovernorPolicy, store: any GovernorRepository) {
        self.policy = policy
        self.store = store
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
        for entry in entries {
            if case .delayed(let release, let reason) = entry.decision {
                held.insert(entry.transfer.id)
                logger.notice("Governor delayed a transfer", metadata: [
                    "transfer.id": "\(entry.transfer.id)", "amount": "\(entry.transfer.amount)", "reason": "\(reason.rawValue)",
                    "release_at_ms": "\(release)",
                ])
            }
        }
        try await governor.store.recordGovernorDecisions(entries, atMilliseconds: clock.nowMilliseconds)
        return rows.filter { !held.contains(.ethereum($0.id)) }
    }

    /// `bridge_governor_used{token}` (counted in the window ending now), `bridge_governor_limit{token}`
    /// (the daily limit) and `bridge_governor_queued{token}` (transfers held).
    func recordGovernorMetrics() async throws {
        for reading in try await governorReadings() {
            let token = [("token", Hex.encode(reading.token))]
            Gauge(label: "bridge_governor_used", dimensions: token).record(Double(reading.used))
            Gauge(label: "bridge_governor_limit", dimensions: token).record(Double(reading.dailyLimit))
            Gauge(label: "bridge_governor_queued", dimensions: token).record(reading.queued)
        }
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
