// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
public import Ethereum

/// Every decision of the Ethereum watcher, as a pure state machine: it takes `now` and what the
/// last step found, and returns what to do next. No I/O, no clock, no logger.
///
/// It owns the window planning (`BlockRangePlanner`), the finality bookkeeping (stall warning),
/// the receipt re-check budget, the cursor it is about to commit, and the re-reading of committed
/// blocks for re-orgs below the finality rule (`DeepReorgSentinel`). `EthereumWatcher` is the
/// interpreter: it performs each `Step` (RPC through the endpoint pool, store writes, sleeps),
/// reports each `Report` (logs, metrics), and hands the outcome back as the next `Event`.
/// Exactly one `Step` is returned per event, so the cycle is a plain loop.
public struct EthereumWatcherMachine: Sendable {
    /// The watcher settings the decisions depend on.
    public struct Settings: Sendable, Equatable {
        public var startBlock: UInt64
        public var maxWindow: UInt64
        public var pollInterval: Duration
        public var errorBackoff: Duration
        public var maxRecheckAttempts: Int
        public var deepReorgCheckDepth: UInt64
        public var finalityStallWarningMs: UInt64
        /// Read window k+1 while window k is committed (`readAhead`).
        public var readAhead: Bool

        public init(_ configuration: EthereumWatcherConfiguration) {
            startBlock = configuration.startBlock
            maxWindow = configuration.maxWindow
            pollInterval = configuration.pollInterval
            errorBackoff = configuration.errorBackoff
            maxRecheckAttempts = configuration.maxRecheckAttempts
            deepReorgCheckDepth = configuration.deepReorgCheckDepth
            finalityStallWarningMs = configuration.finalityStallWarningMs
            readAhead = configuration.readAhead
        }
    }

    /// The one thing to do next.
    public enum Step: Sendable, Equatable {
        /// Read the observations stored in blocks from `fromBlock` on (after a restart), then `.recentObservations`.
        case loadRecentObservations(fromBlock: UInt64, limit: Int)
        /// Refresh the endpoints' heads and read the final block, then `.finalBlock`.
        case readFinalBlock
        /// Read block `number`'s canonical hash, then `.canonicalHash` (or `.canonicalHashUnavailable`).
        case readCanonicalHash(UInt64)
        /// Mark observations whose block was replaced after finality, then `.withdrawn`.
        case withdraw([ObservationID], blockNumber: UInt64)
        /// `eth_getLogs` + receipts + judging of `range`, then `.scanned` (or `.scanRefused`).
        case scan(ClosedRange<UInt64>)
        /// Judge `events` against the store, then commit `records`, what the events changed and the
        /// cursor `nextBlock` in one transaction, then `.committed`. With `readAhead`, scan that
        /// range (and read the final block) at the same time, and hand it back with `.committed`.
        case commit(
            scanned: ClosedRange<UInt64>, nextBlock: UInt64, records: [ObservationRecord], events: [EthereumBridgeEvent] = [],
            readAhead: ClosedRange<UInt64>? = nil)
        /// Sleep, then `.woke`.
        case sleep(Duration)
    }

    /// What happened that is worth a log line or a metric (the interpreter decides how to say it).
    public enum Report: Sendable, Equatable {
        case finalBlock(UInt64)
        case rangeRefused
        case finalityStalled(final: UInt64, stalledSeconds: UInt64)
        case windowShrunk(ClosedRange<UInt64>, window: UInt64, message: String)
        case answered(logCount: Int, window: UInt64)
        case rescanning(block: UInt64, attempt: Int)
        case dropped(EthereumLog, DropReason)
        case committed(blocks: UInt64, cursor: UInt64)
        case reorgedAfterFinality([ObservationID], blockNumber: UInt64)
        case deepReorgCheckDeferred(UInt64)
        case scanFailed(cursor: UInt64, error: String)
        /// The window read ahead was not used (it is read again, or a new cycle starts).
        case readAheadDiscarded(ReadAheadDiscard)
    }

    /// The outcome of the last step.
    public enum Event: Sendable {
        case started(storedCursor: UInt64?)
        case recentObservations([(id: ObservationID, blockNumber: UInt64, blockHash: [UInt8])])
        case finalBlock(UInt64?)
        case canonicalHash(UInt64, [UInt8]?)
        case canonicalHashUnavailable(UInt64)
        case withdrawn
        case scanned(ClosedRange<UInt64>, RangeScanResult)
        case scanRefused(ClosedRange<UInt64>, message: String, suggestedToBlock: UInt64?)
        /// The commit stored these observations for the first time (duplicates left out); with the
        /// window read meanwhile when the step asked for one.
        case committed(inserted: [LockObservation], readAhead: ReadAhead? = nil)
        case woke
        /// A step threw (RPC, store); the cycle starts again after the error back-off.
        case failed(String)
    }

    public let settings: Settings
    public internal(set) var planner: BlockRangePlanner
    public internal(set) var sentinel: DeepReorgSentinel
    var recheckAttempts: [UInt64: Int] = [:]
    var lastFinal: UInt64?
    var lastFinalChangeMs: UInt64 = 0
    var lastStallLogMs: UInt64 = 0
    /// The final block of the running cycle (scans stop there).
    var target: UInt64?
    /// Deep re-org re-reads still to do this cycle.
    var dueChecks: [UInt64] = []
    /// A `.sleep` that ends the cycle (poll or error) rather than pausing a rescan within it.
    var sleepEndsCycle = true
    /// The scan waiting for its commit, and the cursor that commit moves to.
    var pendingCommit: (range: ClosedRange<UInt64>, nextBlock: UInt64)?

    public init(settings: Settings, sentinelCapacity: Int = 10_000) {
        self.settings = settings
        planner = BlockRangePlanner(nextBlock: settings.startBlock, maxWindow: settings.maxWindow)
        sentinel = DeepReorgSentinel(depth: settings.deepReorgCheckDepth, capacity: sentinelCapacity)
    }

    /// The first block not yet covered by a committed scan.
    public var cursor: UInt64 { planner.nextBlock }
}
