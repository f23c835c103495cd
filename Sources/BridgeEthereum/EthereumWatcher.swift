// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
public import CoreMetrics
import Ethereum
public import Logging
public import ServiceLifecycle

/// The finality-aware Ethereum lock watcher (a swift-service-lifecycle `Service`).
///
/// Start-up: `eth_chainId` on every endpoint, the finality tag answered, code at the contract.
/// Then, forever: read the final block, scan `eth_getLogs` windows from the persisted cursor up to
/// it, re-check receipts, judge every lock, and commit observations plus the cursor in one atomic
/// `ObservationStore.commitScan` (one SQLite transaction in production). Only after the commit is
/// a new observation yielded on `observations`, so nothing is lost or repeated across crashes.
public final class EthereumWatcher<SleepClock: Clock>: Service, Sendable where SleepClock.Duration == Duration {
    public let configuration: EthereumWatcherConfiguration
    public let pool: EndpointPool
    public let store: any ObservationStore
    /// Newly committed observations (valid and rejected), in chain order. The store holds them
    /// all, so a consumer that falls more than `observationBufferSize` behind loses only the push.
    public let observations: AsyncStream<ObservationRecord>
    /// A consumer this far behind is reading the store anyway (counted as a drop).
    public static var observationBufferSize: Int { 10_000 }
    let continuation: AsyncStream<ObservationRecord>.Continuation
    let clock: SleepClock
    let wallClock: any BridgeClock
    let logger: Logger
    let scanner: RangeScanner
    let metrics: WatcherMetrics

    public init(
        configuration: EthereumWatcherConfiguration, pool: EndpointPool, store: any ObservationStore, clock: SleepClock,
        wallClock: any BridgeClock = SystemBridgeClock(), logger: Logger = Logger(label: "bridge.eth-watcher"),
        metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) {
        metrics = WatcherMetrics(factory: metricsFactory)
        self.configuration = configuration
        self.pool = pool
        self.store = store
        self.clock = clock
        self.wallClock = wallClock
        self.logger = logger
        (observations, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingOldest(Self.observationBufferSize))
        scanner = RangeScanner(
            pool: pool, contract: configuration.contract, decoder: LockEventDecoder(profile: configuration.profile),
            judge: ObservationJudge(configuration: configuration.judgeConfiguration))
    }

    public func run() async throws {
        defer { continuation.finish() }
        do {
            try await cancelWhenGracefulShutdown { try await self.watch() }
        } catch is CancellationError {
            logger.info("Ethereum watcher stopped")
        }
    }

    /// The interpreter of `EthereumWatcherMachine`: performs each step, reports, feeds the outcome back.
    private func watch() async throws {
        try await checkStartup()
        let stored = try await store.cursorBlock(configuration.cursorName)
        var machine = EthereumWatcherMachine(settings: EthereumWatcherMachine.Settings(configuration))
        var decision = machine.handle(.started(storedCursor: stored), now: wallClock.nowMilliseconds)
        logger.info("Ethereum watcher starting", metadata: [
            "eth.cursor": "\(machine.cursor)", "eth.cursor.stored": "\(stored != nil)", "eth.finality": "\(configuration.finality)",
            "eth.endpoints": "\(pool.clients.count)", "eth.profile": "\(configuration.profile.rawValue)",
        ])
        var scanStarted = ContinuousClock.now
        while !Task.isCancelled {
            report(decision.reports)
            let event: EthereumWatcherMachine.Event
            do {
                if case .scan = decision.step { scanStarted = ContinuousClock.now }
                event = try await perform(decision.step)
                if case .commit = decision.step {
                    recordScanTime(since: scanStarted)
                    scanStarted = ContinuousClock.now  // a window read ahead is timed from its predecessor's commit on
                }
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                event = .failed("\(error)")
            }
            decision = machine.handle(event, now: wallClock.nowMilliseconds)
        }
        throw CancellationError()
    }
}
