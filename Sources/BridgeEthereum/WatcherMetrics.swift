// SPDX-License-Identifier: Apache-2.0
import Metrics

/// The watcher's `bridge_eth_*` metrics. Labels are bounded: endpoint index (never the URL),
/// a fixed error kind, a fixed rejection or drop reason.
final class WatcherMetrics: Sendable {
    static let shared = WatcherMetrics()

    let blocksScanned = Counter(label: "bridge_eth_blocks_scanned_total")
    let logsSeen = Counter(label: "bridge_eth_logs_total")
    let validObservations = Counter(label: "bridge_eth_observations_total", dimensions: [("status", "valid")])
    let rejectedObservations = Counter(label: "bridge_eth_observations_total", dimensions: [("status", "rejected")])
    let duplicateObservations = Counter(label: "bridge_eth_duplicate_observations_total")
    let rangeRefusals = Counter(label: "bridge_eth_log_range_refusals_total")
    let endpointSwitches = Counter(label: "bridge_eth_endpoint_switches_total")
    let disagreements = Counter(label: "bridge_eth_endpoint_disagreements_total")
    let scanErrors = Counter(label: "bridge_eth_scan_errors_total")
    /// Observations whose block was replaced after it counted as final (should stay 0; alert on it).
    let reorgedAfterFinality = Counter(label: "bridge_eth_reorged_after_finality_total")
    let streamDrops = Counter(label: "bridge_eth_dropped_total", dimensions: [("stream", "observations")])
    let cursorBlock = Gauge(label: "bridge_eth_cursor_block")
    let finalBlock = Gauge(label: "bridge_eth_final_block")
    let windowBlocks = Gauge(label: "bridge_eth_window_blocks")
    let scanSeconds = Metrics.Timer(label: "bridge_eth_range_scan_seconds")

    func rejected(_ reason: RejectionReason) -> Counter {
        Counter(label: "bridge_eth_rejected_total", dimensions: [("reason", reason.rawValue)])
    }

    func dropped(_ reason: DropReason) -> Counter {
        Counter(label: "bridge_eth_orphaned_total", dimensions: [("reason", reason.rawValue)])
    }

    /// Completion / re-sign events: `event` (transfer_completed, new_signatures_requested),
    /// `outcome` (applied or an `EthereumBridgeEventJudge.IgnoredReason`).
    func bridgeEvent(_ event: String, outcome: String) -> Counter {
        Counter(label: "bridge_eth_bridge_events_total", dimensions: [("event", event), ("outcome", outcome)])
    }

    /// A window read ahead during catch-up and not used (`EthereumWatcherMachine.ReadAheadDiscard.label`).
    func readAheadDiscarded(_ reason: String) -> Counter {
        Counter(label: "bridge_eth_read_ahead_discarded_total", dimensions: [("reason", reason)])
    }

    func rpcErrors(endpoint: Int, kind: String) -> Counter {
        Counter(label: "bridge_eth_rpc_errors_total", dimensions: [("endpoint", String(endpoint)), ("kind", kind)])
    }
}
