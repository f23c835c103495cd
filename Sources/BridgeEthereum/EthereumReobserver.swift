// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import ChainCrypto
public import CoreMetrics
public import Logging
public import ServiceLifecycle
import Synchronization

/// Answers other validators' re-observation requests (Wormhole's "reobservation" of a guardian).
///
/// A peer asks for a lock id it saw and we have no signature for. When the store does not have
/// it either, the id joins a bounded `ReobservationQueue`; this service then fetches the receipt,
/// checks it by the watcher's rules (success, our finality, canonical block, our contract's lock
/// log at that index), judges it with the scan's `ObservationJudge` and stores it without moving
/// the cursor. Newly stored observations are yielded on `observations`, like the watcher's, so the
/// node signs and gossips them the same way. Every refusal is counted, never fatal.
public final class EthereumReobserver: ReobservationRequester, Service, Sendable {
    public let configuration: EthereumWatcherConfiguration
    public let pool: EndpointPool
    public let store: any ObservationStore
    /// Newly stored observations (valid and rejected). A consumer that falls far behind loses only the push.
    public let observations: AsyncStream<ObservationRecord>
    let continuation: AsyncStream<ObservationRecord>.Continuation
    let queue: Mutex<ReobservationQueue>
    let decoder: LockEventDecoder
    let judge: ObservationJudge
    let wallClock: any BridgeClock
    /// Pause of the service loop when nothing is due.
    let idlePoll: Duration
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
        self.queue = Mutex(ReobservationQueue(limits: limits))
        self.decoder = LockEventDecoder(profile: configuration.profile)
        self.judge = ObservationJudge(configuration: configuration.judgeConfiguration)
        self.wallClock = wallClock
        self.idlePoll = idlePoll
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
        let refusal = await admissionRefusal(id)
        if let refusal {
            metrics.count(refusal)
            logger.debug("Re-observation request not queued", metadata: ["transfer.id": "\(id)", "reason": "\(refusal.rawValue)"])
        }
        metrics.recordQueueLength(queue.withLock { $0.count })
        return refusal
    }

    private func admissionRefusal(_ id: ObservationID) async -> ReobservationResult? {
        guard id.chainID == configuration.chainID else { return .wrongChain }
        // A failed read is not "absent": the check below stores idempotently anyway.
        if (try? await store.attestationStatus(of: id)) != nil { return .alreadyStored }
        switch queue.withLock({ $0.offer(id, nowMs: wallClock.nowMilliseconds) }) {
        case .queued: return nil
        case .duplicate: return .duplicate
        case .coolingDown: return .coolingDown
        case .full: return .queueFull
        }
    }

    /// Ids waiting or being checked.
    public var queuedCount: Int { queue.withLock { $0.count } }

    public func run() async throws {
        defer { continuation.finish() }
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                if await self.processNext() == nil { try? await Task.sleep(for: self.idlePoll) }
            }
        }
        logger.info("Ethereum re-observer stopped")
    }
}
