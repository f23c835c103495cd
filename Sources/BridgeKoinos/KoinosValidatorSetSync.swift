// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
public import Koinos
import Logging
import Metrics
import Synchronization

/// The current validator set, read from the Koinos bridge contract (`get_validators`, paged, and
/// `get_metadata`) at start and then periodically; a change takes effect at the next read, with no
/// restart. The configured list is only a fallback until the first successful read (tests, or a
/// node that cannot reach Koinos at boot).
public final class KoinosValidatorSetSync: Sendable {
    private let rpc: KoinosRPCClient
    private let bridge: [UInt8]
    private let version: KoinosBridgeContract.Version
    private let extraSeeds: [[UInt8]]
    private let logger: Logger
    private let state: Mutex<State>

    struct State {
        var set: ValidatorSet
        var fromChain: Bool
        var lastReadMs: UInt64?
        var metadata: KoinosBridgeContract.Metadata?
    }

    /// - Parameters:
    ///   - rpc: the Koinos node.
    ///   - bridge: the bridge contract id (25 bytes).
    ///   - version: the contract layout (`get_metadata` differs).
    ///   - fallback: validators to use until the chain has been read; also seeds for the page walk.
    ///   - seeds: more known addresses to start the walk from (e.g. our own address).
    public init(
        rpc: KoinosRPCClient, bridge: [UInt8], version: KoinosBridgeContract.Version, fallback: [[UInt8]], seeds: [[UInt8]] = [],
        logger: Logger = Logger(label: "bridge.koinos")
    ) {
        self.rpc = rpc
        self.bridge = bridge
        self.version = version
        self.extraSeeds = seeds
        self.logger = logger
        self.state = Mutex(State(set: ValidatorSet(fallback), fromChain: false))
    }

    /// The set in force now.
    public var current: ValidatorSet { state.withLock { $0.set } }

    /// True once the set came from the contract (not the fallback).
    public var isFromChain: Bool { state.withLock { $0.fromChain } }

    /// The last metadata read from the contract.
    public var metadata: KoinosBridgeContract.Metadata? { state.withLock { $0.metadata } }

    /// Whether `refresh` is due at `nowMs` given `intervalMs`.
    public func isDue(nowMs: UInt64, intervalMs: UInt64) -> Bool {
        state.withLock { s in s.lastReadMs.map { nowMs >= $0 &+ intervalMs } ?? true }
    }

    /// Makes the next `isDue` true (a revert named a non-validator: the set may have changed).
    public func markStale() {
        state.withLock { $0.lastReadMs = nil }
    }

    /// Reads the set from the contract. A read whose list length disagrees with
    /// `metadata.nb_validators` (the set changed between pages, or a node lies) is refused and
    /// the previous set kept. Returns true when the set in force changed.
    @discardableResult
    public func refresh(nowMs: UInt64) async throws(KoinosError) -> Bool {
        let metadata = try await rpc.bridgeMetadata(bridge: bridge, version: version)
        let previous = current
        let addresses = try await rpc.bridgeValidators(bridge: bridge, seeds: previous.addresses + extraSeeds)
        state.withLock { $0.lastReadMs = nowMs }
        guard addresses.count == Int(metadata.validatorCount), Set(addresses).count == addresses.count else {
            logger.warning(
                "Validator list from the bridge contract disagrees with its metadata; keeping the previous set",
                metadata: ["koinos.validators.listed": "\(addresses.count)", "koinos.validators.metadata": "\(metadata.validatorCount)"])
            throw .malformedResponse("get_validators listed \(addresses.count) validators, metadata says \(metadata.validatorCount)")
        }
        let next = ValidatorSet(addresses)
        let changed = state.withLock { s in
            let changed = s.set != next || !s.fromChain
            s.set = next
            s.fromChain = true
            s.metadata = metadata
            return changed
        }
        Gauge(label: "bridge_koinos_validators").record(next.count)
        if changed && next != previous {
            logger.info("Validator set changed", metadata: ["koinos.validators.count": "\(next.count)"])
        }
        return changed && next != previous
    }
}
