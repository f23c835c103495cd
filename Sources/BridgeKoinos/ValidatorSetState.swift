// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
public import Koinos

/// Every decision of the validator-set sync, as a pure value: when a read is due, whether a set
/// read from the contract is taken (the other endpoints agree, the pin matches) and whether the
/// set in force changed. `KoinosValidatorSetSync` performs the reads and applies these decisions.
public struct ValidatorSetState: Sendable, Hashable {
    /// A set read from the contract that must not be taken, and why (for the log and the metric).
    public struct Refusal: Sendable, Hashable {
        public let reason: ValidatorSetRefusal
        public let detail: String
    }

    public private(set) var set: ValidatorSet
    /// True once the set came from the contract (not the fallback).
    public private(set) var fromChain = false
    public private(set) var lastReadMs: UInt64?
    public private(set) var metadata: KoinosBridgeContract.Metadata?
    /// The only set accepted (`koinos.validators_pin`); nil accepts what the chain says.
    public let pinned: ValidatorSet?

    /// The pin is in force from the start when there is one; else the configured fallback.
    public init(fallback: [[UInt8]], pinned: ValidatorSet?) {
        self.pinned = pinned
        set = pinned ?? ValidatorSet(fallback)
    }

    /// Whether a read is due at `nowMs` given `intervalMs` (always before the first answer).
    public func isDue(nowMs: UInt64, intervalMs: UInt64) -> Bool {
        lastReadMs.map { nowMs >= $0 &+ intervalMs } ?? true
    }

    /// Makes the next `isDue` true (a revert named a non-validator: the set may have changed).
    public mutating func markStale() {
        lastReadMs = nil
    }

    /// The primary endpoint answered at `nowMs` (with a set, or with one that failed its count
    /// check): the next read waits the interval. An unreachable node is asked again next pass.
    public mutating func answered(nowMs: UInt64) {
        lastReadMs = nowMs
    }

    /// Why the set `other`, read through extra endpoint `index`, refuses `read` (nil when they agree).
    public static func disagreement(_ read: ValidatorSet, _ other: ValidatorSet, extraEndpoint index: Int) -> Refusal? {
        guard other != read else { return nil }
        return Refusal(
            reason: .endpointsDisagree,
            detail: "koinos.rpc reports \(read.count) validators, extra_rpc[\(index)] reports \(other.count) (\(difference(read, other)))")
    }

    /// Why `read` is refused by the pin (nil without a pin or when it matches).
    public func pinRefusal(_ read: ValidatorSet) -> Refusal? {
        guard let pinned, read != pinned else { return nil }
        return Refusal(
            reason: .pinMismatch,
            detail: "the contract reports \(read.count) validators, koinos.validators_pin has \(pinned.count) (\(Self.difference(read, pinned)))")
    }

    /// Puts the agreed `read` in force; true when that changed the set or made it come from the chain.
    public mutating func take(_ read: ValidatorSet, metadata: KoinosBridgeContract.Metadata) -> Bool {
        let changed = set != read || !fromChain
        set = read
        fromChain = true
        self.metadata = metadata
        return changed
    }

    /// "+N -M" addresses of `read` against `reference`, for the log line.
    static func difference(_ read: ValidatorSet, _ reference: ValidatorSet) -> String {
        let a = Set(read.addresses), b = Set(reference.addresses)
        return "+\(a.subtracting(b).count) -\(b.subtracting(a).count)"
    }
}
