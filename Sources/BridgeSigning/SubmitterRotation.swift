// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import ChainCrypto

/// Who submits a transfer, and when: one submitter at a time (the Koinos submitter and the
/// Ethereum sender use the same rule, over their own chain's validator addresses).
///
/// Validators are sorted by address (`ValidatorSet` order). The validator at index
/// `sha256(observation id) mod N` (first 8 bytes, big-endian) goes first; the next one in the
/// order may take over `takeoverMs` later if the transfer is still not completed, and so on,
/// wrapping around. Every node computes the same order from the same set, so no coordination
/// message is needed; the contract's replay space stops any double completion anyway.
public enum SubmitterRotation {
    /// Index (into the sorted set) of the first submitter for `observationID`.
    public static func firstIndex(observationID: String, validatorCount: Int) -> Int {
        precondition(validatorCount > 0, "rotation needs at least one validator")
        let h = SHA256Digest.hash(Array(observationID.utf8))
        var v: UInt64 = 0
        for b in h.prefix(8) { v = v << 8 | UInt64(b) }
        return Int(v % UInt64(validatorCount))
    }

    /// Our place in the order for this observation (0 = first), nil when we are not a current validator.
    public static func turn(of validator: [UInt8], in set: ValidatorSet, observationID: String) -> Int? {
        guard set.count > 0, let mine = set.addresses.firstIndex(of: validator) else { return nil }
        let first = firstIndex(observationID: observationID, validatorCount: set.count)
        return (mine - first + set.count) % set.count
    }

    /// The earliest time (ms) at which `validator` may submit: `origin + turn × takeoverMs`; nil when
    /// it is not in the set.
    public static func earliestAttempt(
        of validator: [UInt8], in set: ValidatorSet, observationID: String, originMs: UInt64, takeoverMs: UInt64
    ) -> UInt64? {
        guard let turn = turn(of: validator, in: set, observationID: observationID) else { return nil }
        return originMs &+ UInt64(turn) &* takeoverMs
    }
}

/// Exponential backoff with jitter for failed submissions: `base × 2^(attempt−1)`, capped, then
/// scaled by a random factor in [0.5, 1] so validators do not retry in lockstep.
public struct SubmissionBackoff: Sendable {
    public var baseMs: UInt64
    public var maxMs: UInt64

    public init(baseMs: UInt64 = 1_000, maxMs: UInt64 = 60_000) {
        self.baseMs = baseMs
        self.maxMs = maxMs
    }

    /// The delay after the `attempt`-th consecutive failure (attempt ≥ 1); `unit` is a random value in [0, 1).
    public func delayMs(attempt: Int, unit: Double) -> UInt64 {
        let exponent = min(max(attempt - 1, 0), 30)
        let (product, overflow) = baseMs.multipliedReportingOverflow(by: UInt64(1) << UInt64(exponent))
        let capped = overflow ? maxMs : min(product, maxMs)
        let factor = 0.5 + 0.5 * min(max(unit, 0), 1)
        return UInt64(Double(capped) * factor)
    }
}
