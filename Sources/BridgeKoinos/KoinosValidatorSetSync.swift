// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
public import CoreMetrics
public import Koinos
public import Logging
import Metrics
public import Primitives
import Synchronization

/// The current validator set, read from the Koinos bridge contract (`get_validators`, paged, and
/// `get_metadata`) at start and then periodically; a change takes effect at the next read, with no
/// restart. The configured list is only a fallback until the first successful read (tests, or a
/// node that cannot reach Koinos at boot).
///
/// One Koinos endpoint is not trusted with the set alone when the operator gives more: the set is
/// also read through every `checkers` endpoint and must be the same, and with a `pinned` set a
/// read that differs from the pin is refused. A refusal keeps the set in force, is logged as
/// critical and counted in `bridge_koinos_validator_set_refused_total{reason}`.
public final class KoinosValidatorSetSync: Sendable {
    private let rpc: any KoinosChain
    private let checkers: [any KoinosChain]
    private let bridge: [UInt8]
    private let version: KoinosBridgeContract.Version
    private let extraSeeds: [[UInt8]]
    private let logger: Logger
    private let metrics: ValidatorSetSyncMetrics
    /// The decisions (`ValidatorSetState`, pure); this class performs the reads.
    private let state: Mutex<ValidatorSetState>

    /// - Parameters:
    ///   - rpc: the Koinos node.
    ///   - checkers: more Koinos nodes (other providers) that must report the same set.
    ///   - pinned: the only set accepted (`koinos.validators_pin`); nil accepts what the chain says.
    ///   - bridge: the bridge contract id (25 bytes).
    ///   - version: the contract layout (`get_metadata` differs).
    ///   - fallback: validators to use until the chain has been read; also seeds for the page walk.
    ///     Ignored when `pinned` is given: the pin is in force from the start.
    ///   - seeds: more known addresses to start the walk from (e.g. our own address).
    public init(
        rpc: any KoinosChain, checkers: [any KoinosChain] = [], pinned: ValidatorSet? = nil, bridge: [UInt8],
        version: KoinosBridgeContract.Version, fallback: [[UInt8]], seeds: [[UInt8]] = [], logger: Logger = Logger(label: "bridge.koinos"),
        metricsFactory: (any MetricsFactory)? = nil
    ) {
        self.rpc = rpc
        self.checkers = checkers
        self.bridge = bridge
        self.version = version
        self.extraSeeds = seeds + (pinned?.addresses ?? [])
        self.logger = logger
        self.metrics = ValidatorSetSyncMetrics(factory: metricsFactory ?? MetricsSystem.factory)
        self.state = Mutex(ValidatorSetState(fallback: fallback, pinned: pinned))
    }

    /// The set in force now.
    public var current: ValidatorSet { state.withLock { $0.set } }

    /// Signalled whenever `current` changed (a `ValidatorSetPropagation` waits on it).
    public let changes = ChangeSignal()

    /// True once the set came from the contract (not the fallback).
    public var isFromChain: Bool { state.withLock { $0.fromChain } }

    /// The last metadata read from the contract.
    public var metadata: KoinosBridgeContract.Metadata? { state.withLock { $0.metadata } }

    /// Whether `refresh` is due at `nowMs` given `intervalMs`.
    public func isDue(nowMs: UInt64, intervalMs: UInt64) -> Bool {
        state.withLock { $0.isDue(nowMs: nowMs, intervalMs: intervalMs) }
    }

    /// Makes the next `isDue` true (a revert named a non-validator: the set may have changed).
    public func markStale() {
        state.withLock { $0.markStale() }
    }

    /// Reads the set from the contract through every endpoint. A read whose list length disagrees
    /// with `metadata.nb_validators` (the set changed between pages, or a node lies), endpoints
    /// that report different sets, or a set other than the pin is refused and the previous set
    /// kept. Returns true when the set in force changed.
    @discardableResult
    public func refresh(nowMs: UInt64) async throws(KoinosError) -> Bool {
        let previous = current
        let seeds = previous.addresses + extraSeeds
        let primary: (metadata: KoinosBridgeContract.Metadata, set: ValidatorSet)
        do throws(KoinosError) {
            primary = try await readSet(through: rpc, seeds: seeds)
        } catch {
            // An unreachable node is asked again at the next pass; a node that answered waits the interval.
            if case .malformedResponse = error { state.withLock { $0.answered(nowMs: nowMs) } }
            throw error
        }
        state.withLock { $0.answered(nowMs: nowMs) }
        let (metadata, next) = primary
        for (i, checker) in checkers.enumerated() {
            let other: ValidatorSet
            do throws(KoinosError) {
                other = try await readSet(through: checker, seeds: seeds).set
            } catch {
                logger.warning("Cannot confirm the validator set with another Koinos endpoint; keeping the previous set", metadata: [
                    "koinos.endpoint": "extra_rpc[\(i)]", "error": "\(error)"])
                throw error
            }
            if let refusal = ValidatorSetState.disagreement(next, other, extraEndpoint: i) { throw refuse(refusal) }
        }
        if let refusal = state.withLock({ $0.pinRefusal(next) }) { throw refuse(refusal) }
        let changed = state.withLock { $0.take(next, metadata: metadata) }
        metrics.validators.record(next.count)
        if changed { changes.signal() }
        if changed && next != previous {
            logger.info("Validator set changed", metadata: ["koinos.validators.count": "\(next.count)"])
        }
        return changed && next != previous
    }

    /// Metadata and validator list through one endpoint, with the count check.
    private func readSet(
        through client: any KoinosChain, seeds: [[UInt8]]
    ) async throws(KoinosError) -> (metadata: KoinosBridgeContract.Metadata, set: ValidatorSet) {
        let metadata = try await client.bridgeMetadata(bridge: bridge, version: version)
        let addresses = try await client.bridgeValidatorList(bridge: bridge, seeds: seeds)
        guard addresses.count == Int(metadata.validatorCount), Set(addresses).count == addresses.count else {
            logger.warning(
                "Validator list from the bridge contract disagrees with its metadata; keeping the previous set",
                metadata: ["koinos.validators.listed": "\(addresses.count)", "koinos.validators.metadata": "\(metadata.validatorCount)"])
            throw .malformedResponse("get_validators listed \(addresses.count) validators, metadata says \(metadata.validatorCount)")
        }
        return (metadata, ValidatorSet(addresses))
    }

    private func refuse(_ refusal: ValidatorSetState.Refusal) -> KoinosError {
        metrics.refused(refusal.reason)
        logger.critical("Validator set refused; keeping the set in force", metadata: [
            "reason": "\(refusal.reason.rawValue)", "detail": "\(refusal.detail)", "koinos.validators.in_force": "\(current.count)"])
        return .malformedResponse("validator set refused (\(refusal.reason.rawValue)): \(refusal.detail)")
    }
}

/// Why a validator set read from Koinos was refused. Raw value = the metric label.
public enum ValidatorSetRefusal: String, Sendable, Hashable, CaseIterable {
    /// `koinos.rpc` and a `koinos.extra_rpc` endpoint report different sets.
    case endpointsDisagree = "endpoints_disagree"
    /// The set read differs from `koinos.validators_pin`.
    case pinMismatch = "pin_mismatch"
}
