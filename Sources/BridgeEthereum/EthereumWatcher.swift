// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
public import BridgeStore
import CoreMetrics
public import Ethereum
public import Logging
public import ServiceLifecycle

/// The finality-aware Ethereum lock watcher (a swift-service-lifecycle `Service`).
///
/// Start-up: `eth_chainId` on every endpoint, the finality tag answered, code at the contract.
/// Then, forever: read the final block, scan `eth_getLogs` windows from the persisted cursor up to
/// it, re-check receipts, judge every lock, and commit observations plus the cursor in one SQLite
/// transaction. Only after the commit is a new observation yielded on `observations`, so nothing
/// is lost or repeated across crashes.
public final class EthereumWatcher<SleepClock: Clock>: Service, Sendable where SleepClock.Duration == Duration {
    public let configuration: EthereumWatcherConfiguration
    public let pool: EndpointPool
    public let database: BridgeDatabase
    /// Newly committed observations (valid and rejected), in chain order. The database holds them
    /// all, so a consumer that falls more than `observationBufferSize` behind loses only the push.
    public let observations: AsyncStream<ObservationRecord>
    /// A consumer this far behind is reading the database anyway (counted as a drop).
    public static var observationBufferSize: Int { 10_000 }
    let continuation: AsyncStream<ObservationRecord>.Continuation
    let clock: SleepClock
    let wallClock: any BridgeClock
    let logger: Logger
    let scanner: RangeScanner
    let metrics = WatcherMetrics.shared

    public init(
        configuration: EthereumWatcherConfiguration, pool: EndpointPool, database: BridgeDatabase, clock: SleepClock,
        wallClock: any BridgeClock = SystemBridgeClock(), logger: Logger = Logger(label: "bridge.eth-watcher")
    ) {
        self.configuration = configuration
        self.pool = pool
        self.database = database
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

    private func watch() async throws {
        try await checkStartup()
        let stored = try await database.cursorBlock(configuration.cursorName)
        var planner = BlockRangePlanner(nextBlock: stored ?? configuration.startBlock, maxWindow: configuration.maxWindow)
        var state = LoopState(sentinel: DeepReorgSentinel(depth: configuration.deepReorgCheckDepth))
        if let stored { await trackStoredObservations(below: stored, state: &state) }
        logger.info("Ethereum watcher starting", metadata: [
            "eth.cursor": "\(planner.nextBlock)", "eth.cursor.stored": "\(stored != nil)", "eth.finality": "\(configuration.finality)",
            "eth.endpoints": "\(pool.clients.count)", "eth.profile": "\(configuration.profile.rawValue)",
        ])
        while !Task.isCancelled {
            do {
                await pool.refreshHeads()
                guard let target = try await finalBlock() else {
                    try await clock.sleep(for: configuration.pollInterval)
                    continue
                }
                noteFinality(target, state: &state)
                await checkDeepReorgs(final: target, state: &state)
                while let range = planner.nextRange(target: target) {
                    try Task.checkCancellation()
                    try await process(range, planner: &planner, state: &state)
                }
                try await clock.sleep(for: configuration.pollInterval)
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                metrics.scanErrors.increment()
                logger.error("Ethereum scan failed; retrying", metadata: ["eth.cursor": "\(planner.nextBlock)", "error": "\(error)"])
                try await clock.sleep(for: configuration.errorBackoff)
            }
        }
        throw CancellationError()
    }

    /// Per-run bookkeeping that is not persisted.
    struct LoopState {
        var recheckAttempts: [UInt64: Int] = [:]
        var lastFinal: UInt64?
        var lastFinalChangeMs: UInt64 = 0
        var lastStallLogMs: UInt64 = 0
        var sentinel: DeepReorgSentinel
    }
}
