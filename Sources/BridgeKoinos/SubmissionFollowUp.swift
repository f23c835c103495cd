// SPDX-License-Identifier: Apache-2.0
public import BridgeCore

/// What the submitter does with its own transaction after asking the chain about it.
public enum FollowUpStep: Sendable, Equatable {
    /// Nothing more in this pass: not included and not timed out yet, or included and still in time.
    case keepWaiting
    /// A block holds our transaction but the row says `submitted`: record `included`.
    case recordIncluded
    /// The contract reports the transfer completed; `note` says when someone else completed it.
    case completionSeen(note: String?)
    /// Resync the nonce, put the row back to `pending` and decide the send again in this pass.
    case sendAgain(SendAgainReason)
}

/// Why our transaction is sent again.
public enum SendAgainReason: Sendable, Equatable {
    /// A completion seen earlier is gone: a fork above the last irreversible block dropped it.
    case completionDropped
    /// A block holds the transaction, the inclusion timeout passed, and the transfer is not completed.
    case includedButNotCompleted
    /// No block holds the transaction within the inclusion timeout (the mempool dropped it, or will).
    case notIncluded(timeoutMs: UInt64)

    /// The text left in the submission row.
    public var text: String {
        switch self {
        case .completionDropped: "a fork above the last irreversible block dropped the completion; sending again"
        case .includedButNotCompleted: "transaction included but the transfer is not completed; sending again"
        case .notIncluded(let timeoutMs): "transaction not included within \(timeoutMs) ms; sending again"
        }
    }

    /// The `reason` label of `bridge_koinos_failures_total`.
    public var metricReason: String {
        self == .completionDropped ? "fork_dropped_completion" : "not_included"
    }
}

/// The contract's transfer status before a send or while only watching, against the row.
public enum CompletionCheck: Sendable, Equatable {
    /// Completed on chain: record the sighting (final once irreversible), send nothing.
    case completed
    /// Not completed, but the row saw a completion earlier: a fork dropped it; forget it and go on.
    case completionDropped
    /// Not completed, and nothing was seen before: go on.
    case notCompleted
}

/// Whether a transfer the contract reports completed is final yet.
public enum CompletionFinality: Sendable, Equatable {
    /// The last irreversible block reached the height where the completion was first seen.
    case final
    /// Wait, re-checking at `retryAtMs`; `seenAtHeight` is stored in the row.
    case waitForIrreversibility(seenAtHeight: UInt64, reason: String, retryAtMs: UInt64)
}

extension SubmissionPlanner {
    /// Whether following our transaction needs the contract's transfer status in this pass: the
    /// transaction is in a block, its inclusion timeout passed, or a completion awaits finality.
    public func needsStatusCheck(record: SubmissionRecord, included: Bool, nowMs now: UInt64) -> Bool {
        included || inclusionTimedOut(record, nowMs: now) || record.completedSeenAtHeight != nil
    }

    /// Whether the inclusion timeout of the row's transaction has passed.
    public func inclusionTimedOut(_ record: SubmissionRecord, nowMs now: UInt64) -> Bool {
        now >= (record.submittedAtMs ?? record.updatedAtMs) &+ configuration.inclusionTimeoutMs
    }

    /// The step after the chain answered: `included` (a block holds our transaction) and
    /// `completedOnChain` (the contract's transfer status). Call it only when `needsStatusCheck`.
    public func afterStatus(record: SubmissionRecord, included: Bool, completedOnChain: Bool, nowMs now: UInt64) -> FollowUpStep {
        if completedOnChain { return .completionSeen(note: included ? nil : "completed by another submitter") }
        if record.completedSeenAtHeight != nil { return .sendAgain(.completionDropped) }
        if included {
            if record.status != .included { return .recordIncluded }
            return inclusionTimedOut(record, nowMs: now) ? .sendAgain(.includedButNotCompleted) : .keepWaiting
        }
        return inclusionTimedOut(record, nowMs: now) ? .sendAgain(.notIncluded(timeoutMs: configuration.inclusionTimeoutMs)) : .keepWaiting
    }

    /// What the contract's answer `completedOnChain` means for the row before a send or a wait.
    public func completionCheck(record: SubmissionRecord, completedOnChain: Bool) -> CompletionCheck {
        if completedOnChain { return .completed }
        return record.completedSeenAtHeight != nil ? .completionDropped : .notCompleted
    }

    /// Final once the last irreversible block reaches the height at which the completion was first
    /// seen (the row's, else `headHeight`): the block holding the completing transaction is then
    /// irreversible. Until then the row waits, re-checking every `turnRecheckIntervalMs`.
    public func completionFinality(
        record: SubmissionRecord, headHeight: UInt64, lastIrreversibleBlock lib: UInt64, nowMs now: UInt64
    ) -> CompletionFinality {
        let seen = record.completedSeenAtHeight ?? headHeight
        if lib >= seen { return .final }
        let reason = "completed on Koinos at or below height \(seen); final when the last irreversible block (\(lib)) reaches it"
        return .waitForIrreversibility(seenAtHeight: seen, reason: reason, retryAtMs: now &+ configuration.turnRecheckIntervalMs)
    }

    /// The `rc_limit` for a transaction when the payer has `mana`: min(mana, cap); below
    /// `minimumRC` it throws the chain's mana failure (code 104) so the row waits with a backoff
    /// instead of failing on-chain.
    public func rcLimit(mana: UInt64) throws(SubmissionManaShortfall) -> UInt64 {
        guard mana >= configuration.minimumRC else { throw SubmissionManaShortfall(mana: mana, minimum: configuration.minimumRC) }
        return min(mana, configuration.rcLimitCap)
    }
}

/// The payer's mana is below the configured minimum.
public struct SubmissionManaShortfall: Error, Sendable, Equatable {
    public let mana: UInt64
    public let minimum: UInt64

    public init(mana: UInt64, minimum: UInt64) {
        self.mana = mana
        self.minimum = minimum
    }
}
