// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
public import CoreMetrics
public import Logging
public import ServiceLifecycle
import Synchronization

/// Answers other validators' re-observation requests (Wormhole's "reobservation" of a guardian).
///
/// A peer asks for a lock id it saw and we have no signature for. When the store does not have
/// it either, the id joins a bounded queue; this service then fetches the receipt, checks it by
/// the watcher's rules (success, our finality, canonical block, our contract's lock log at that
/// index), judges it with the scan's `ObservationJudge` and stores it without moving the cursor.
/// Newly stored observations are yielded on `observations`, like the watcher's, so the node signs
/// and gossips them the same way. Every refusal is counted, never fatal.
///
/// The decisions are `ReobserverMachine`'s; this class is its interpreter over the two ports
/// (`EndpointPool` over `EthereumChain`s, `ObservationStore`), see EthereumReobserver+Perform.swift.
public final class EthereumReobserver: ReobservationRequester, Service, Sendable {
    public let configuration: EthereumWatcherConfiguration
    public let pool: EndpointPool
    public let store: any ObservationStore
    /// Newly stored observations (valid and rejected). A consumer that falls far behind loses only the push.
    public let observations: AsyncStream<ObservationRecord>
    let continuation: AsyncStream<ObservationRecord>.Continuation
    let machine: Mutex<ReobserverMachine>
    let wallClock: any BridgeClock
    let logger: Logger
    let metrics: ReobservationMetrics

    public init(
        configuration: EthereumWatcherConfiguration, pool: EndpointPool, store: any ObservationStore, limits: ReobservationQueue.Limits = .init(),
        wallClock: any BridgeClock = SystemBridgeClock(), idlePoll: Duration = .milliseconds(250),
        logger: Logger = Logger(label: "bridge.eth-reobserver"), metricsFactory: (any MetricsFactory)? = nil
    ) {
        self.configuration = configuration
        self.pool = pool
        self.store = store
        self.machine = Mutex(ReobserverMachine(settings: .init(configuration, idlePoll: idlePoll), limits: limits))
        self.wallClock = wallClock
        self.logger = logger
        self.metrics = ReobservationMetrics(factory: metricsFactory ?? MetricsSystem.factory)
        (observations, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1_000))
    }

    /// The aggregator's port: queue `id` (or count why not).
    public func requestReobservation(of id: ObservationID) async {
        _ = await offer(id)
    }

    /// Queues `id` for a check; returns nil when queued, else why it was not (already counted).
    @discardableResult
    public func offer(_ id: ObservationID) async -> ReobservationResult? {
        var action = decide(.offered(id))
        while true {
            switch action {
            case .lookUpStatus(let id):
                // A failed read is not "absent" for long: the check stores idempotently anyway.
                let stored = (try? await store.attestationStatus(of: id)) != nil
                action = decide(.storeStatus(id, stored: stored))
            case .admitted(let id, let refusal):
                if let refusal {
                    metrics.count(refusal)
                    logger.debug("Re-observation request not queued", metadata: ["transfer.id": "\(id)", "reason": "\(refusal.rawValue)"])
                }
                metrics.recordQueueLength(queuedCount)
                return refusal
            default:
                return nil  // an offer leads to nothing else
            }
        }
    }

    /// Ids waiting or being checked.
    public var queuedCount: Int { machine.withLock { $0.queue.count } }

    public func run() async throws {
        defer { continuation.finish() }
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                if await self.processNext() == nil { try? await Task.sleep(for: self.machine.withLock { $0.settings.idlePoll }) }
            }
        }
        logger.info("Ethereum re-observer stopped")
    }

    func decide(_ input: ReobserverMachine.Input) -> ReobserverMachine.Action {
        let now = wallClock.nowMilliseconds
        return machine.withLock { $0.handle(input, now: now) }
    }
}
