// SPDX-License-Identifier: Apache-2.0
import Metrics

/// The watcher's `bridge_eth_*` metrics. Labels are bounded: endpoint index (never the URL),
/// a fixed error kind, a fixed rejection or drop reason.
///
/// Made from a `MetricsFactory` like every `<Stage>Metrics` type (the process-wide one by default);
/// the watcher and its endpoint pool each make one, as the Koinos watcher and its pool do.
final class WatcherMetrics: Sendable {
    private let factory: any MetricsFactory
    let blocksScanned: Counter
    let logsSeen: Counter
    let validObservations: Counter
    let rejectedObservations: Counter
    let duplicateObservations: Counter
    let rangeRefusals: Counter
    let endpointSwitches: Counter
    let disagreements: Counter
    let scanErrors: Counter
    /// Observations whose block was replaced after it counted as final (should stay 0; alert on it).
    let reorgedAfterFinality: Counter
    let streamDrops: Counter
    let cursorBlock: Gauge
    let finalBlock: Gauge
    let windowBlocks: Gauge
    let scanSeconds: Metrics.Timer

    init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
        blocksScanned = Counter(label: "bridge_eth_blocks_scanned_total", factory: factory)
        logsSeen = Counter(label: "bridge_eth_logs_total", factory: factory)
        validObservations = Counter(label: "bridge_eth_observations_total", dimensions: [("status", "valid")], factory: factory)
        rejectedObservations = Counter(label: "bridge_eth_observations_total", dimensions: [("status", "rejected")], factory: factory)
        duplicateObservations = Counter(label: "bridge_eth_duplicate_observations_total", factory: factory)
        rangeRefusals = Counter(label: "bridge_eth_log_range_refusals_total", factory: factory)
        endpointSwitches = Counter(label: "bridge_eth_endpoint_switches_total", factory: factory)
        disagreements = Counter(label: "bridge_eth_endpoint_disagreements_total", factory: factory)
        scanErrors = Counter(label: "bridge_eth_scan_errors_total", factory: factory)
        reorgedAfterFinality = Counter(label: "bridge_eth_reorged_after_finality_total", factory: factory)
        streamDrops = Counter(label: "bridge_eth_dropped_total", dimensions: [("stream", "observations")], factory: factory)
        cursorBlock = Gauge(label: "bridge_eth_cursor_block", factory: factory)
        finalBlock = Gauge(label: "bridge_eth_final_block", factory: factory)
        windowBlocks = Gauge(label: "bridge_eth_window_blocks", factory: factory)
        scanSeconds = Metrics.Timer(label: "bridge_eth_range_scan_seconds", factory: factory)
    }

    func rejected(_ reason: RejectionReason) -> Counter {
        Counter(label: "bridge_eth_rejected_total", dimensions: [("reason", reason.rawValue)], factory: factory)
    }

    func dropped(_ reason: DropReason) -> Counter {
        Counter(label: "bridge_eth_orphaned_total", dimensions: [("reason", reason.rawValue)], factory: factory)
    }

    /// Completion / re-sign events: `event` (transfer_completed, new_signatures_requested),
    /// `outcome` (applied or an `EthereumBridgeEventJudge.IgnoredReason`).
    func bridgeEvent(_ event: String, outcome: String) -> Counter {
        Counter(label: "bridge_eth_bridge_events_total", dimensions: [("event", event), ("outcome", outcome)], factory: factory)
    }

    /// A window read ahead during catch-up and not used (`EthereumWatcherMachine.ReadAheadDiscard.label`).
    func readAheadDiscarded(_ reason: String) -> Counter {
        Counter(label: "bridge_eth_read_ahead_discarded_total", dimensions: [("reason", reason)], factory: factory)
    }

    func rpcErrors(endpoint: Int, kind: String) -> Counter {
        Counter(label: "bridge_eth_rpc_errors_total", dimensions: [("endpoint", String(endpoint)), ("kind", kind)], factory: factory)
    }
}
