// SPDX-License-Identifier: Apache-2.0
import CoreMetrics

/// The Koinos lock watcher's and its endpoint pool's `bridge_koinos_*` metrics. Labels are
/// bounded: an endpoint *index* (never its URL) and a fixed completion-event `result`
/// (`completed`, `already_settled`, `unknown`, `malformed`).
struct KoinosWatcherMetrics: Sendable {
    private let factory: any MetricsFactory
    private let endpointSwitches: Counter
    private let endpointDisagreements: Counter

    init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
        endpointSwitches = Counter(label: "bridge_koinos_endpoint_switches_total", factory: factory)
        endpointDisagreements = Counter(label: "bridge_koinos_endpoint_disagreements_total", factory: factory)
    }

    /// The pool moved to another endpoint.
    func endpointSwitched() { endpointSwitches.increment() }

    /// Endpoint `index` failed and was set aside.
    func endpointSetAside(_ index: Int) {
        Counter(label: "bridge_koinos_endpoint_faults_total", dimensions: [("endpoint", String(index))], factory: factory).increment()
    }

    /// In `two_agree`, endpoints served different windows (should stay 0; alert on it).
    func endpointsDisagreed() { endpointDisagreements.increment() }

    /// A `transfer_completed_event` of the bridge contract, by what it meant for our observation.
    func completionEvent(_ result: String) {
        Counter(label: "bridge_koinos_completion_events_total", dimensions: [("result", result)], factory: factory).increment()
    }
}
