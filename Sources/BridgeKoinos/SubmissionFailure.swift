// SPDX-License-Identifier: Apache-2.0
import BridgeSigning
public import Koinos

/// What a failed attempt means for the submitter, pure: the metric reason and the row's text,
/// whether the local nonce is resynced, whether the validator set is re-read, and how long the row
/// waits. `KoinosSubmitter.fail` performs it.
public struct SubmissionFailure: Sendable, Equatable {
    /// How the wait before the next attempt is chosen.
    public enum DelayRule: Sendable, Equatable {
        /// The exponential backoff with jitter.
        case backoff
        /// The backoff, at most `recheckIntervalMs` (the contract says completed: check it soon).
        case atMostRecheckInterval
        /// The backoff, at most `pollIntervalMs`: mempool room comes with the next block, not after a backoff.
        case atMostPollInterval
    }

    /// The `reason` label of `bridge_koinos_failures_total`.
    public let metricReason: String
    /// The text left in the submission row.
    public let text: String
    /// Forget the local nonce so the next transaction reads it from the node.
    public let resyncsNonce: Bool
    /// The revert says the validator set we used is not the contract's: re-read it.
    public let marksValidatorsStale: Bool
    public let delayRule: DelayRule

    public init(metricReason: String, text: String, resyncsNonce: Bool = false, marksValidatorsStale: Bool = false, delayRule: DelayRule = .backoff) {
        self.metricReason = metricReason
        self.text = text
        self.resyncsNonce = resyncsNonce
        self.marksValidatorsStale = marksValidatorsStale
        self.delayRule = delayRule
    }

    /// The meaning of `error` (any error the submitter's chain calls throw).
    public static func classify(_ error: any Error) -> SubmissionFailure {
        if let shortfall = error as? SubmissionManaShortfall {
            return classify(KoinosError.chain(KoinosChainFailure(code: 104, message: "rc \(shortfall.mana) below the minimum \(shortfall.minimum)")))
        }
        guard let error = error as? KoinosError else { return SubmissionFailure(metricReason: "other", text: "\(error)") }
        switch error {
        case .unreachable(let m):
            return SubmissionFailure(metricReason: "unreachable", text: "node unreachable: \(m)")
        case .rpc, .malformedResponse:
            return SubmissionFailure(metricReason: "node_error", text: error.description)
        case .chain(let f):
            switch f.kind {
            case .insufficientRC: return SubmissionFailure(metricReason: "mana", text: "mana exhausted: \(f.message)")
            case .invalidNonce: return SubmissionFailure(metricReason: "nonce", text: "nonce conflict: \(f.message)", resyncsNonce: true)
            case .pendingLimitExceeded:
                return SubmissionFailure(metricReason: "pending_limit", text: "pending transaction limit: \(f.message)", delayRule: .atMostPollInterval)
            case .reverted:
                if f.message.contains("already completed") {
                    return SubmissionFailure(metricReason: "already_completed", text: "rejected: \(f.message)", delayRule: .atMostRecheckInterval)
                }
                let stale = f.message.contains("is not a validator") || f.message.contains("quorum")
                return SubmissionFailure(metricReason: "rejected", text: "rejected: \(f.message)", marksValidatorsStale: stale)
            case .authorization, .malformed, .other:
                return SubmissionFailure(metricReason: "rejected", text: "rejected (\(f.code)): \(f.message)", resyncsNonce: true)
            }
        }
    }

    /// Whether a submit that failed with `error` is signed again at once with a resynced nonce:
    /// a nonce conflict, once per send.
    public static func retriesWithResyncedNonce(_ error: KoinosError, alreadyRetried: Bool) -> Bool {
        guard !alreadyRetried, case .chain(let failure) = error else { return false }
        return failure.kind == .invalidNonce
    }

    /// The wait before the `attempt`-th retry (attempt ≥ 1); `unit` is the jitter in [0, 1).
    public func delayMs(attempt: Int, unit: Double, configuration: KoinosSubmitterConfiguration) -> UInt64 {
        let delay = configuration.backoff.delayMs(attempt: attempt, unit: unit)
        switch delayRule {
        case .backoff: return delay
        case .atMostRecheckInterval: return min(delay, configuration.recheckIntervalMs)
        case .atMostPollInterval: return min(delay, configuration.pollIntervalMs)
        }
    }
}
