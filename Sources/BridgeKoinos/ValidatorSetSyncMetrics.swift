// SPDX-License-Identifier: Apache-2.0
import CoreMetrics

/// The Koinos validator-set sync's metrics, made once with it: `bridge_koinos_validators` (the set in
/// force) and `bridge_koinos_validator_set_refused_total` by a fixed refusal reason.
struct ValidatorSetSyncMetrics: Sendable {
    let validators: Gauge
    private let refusals: [ValidatorSetRefusal: Counter]

    init(factory: any MetricsFactory) {
        validators = Gauge(label: "bridge_koinos_validators", factory: factory)
        var refusals: [ValidatorSetRefusal: Counter] = [:]
        for reason in ValidatorSetRefusal.allCases {
            refusals[reason] = Counter(
                label: "bridge_koinos_validator_set_refused_total", dimensions: [("reason", reason.rawValue)], factory: factory)
        }
        self.refusals = refusals
    }

    func refused(_ reason: ValidatorSetRefusal) {
        refusals[reason]?.increment()
    }
}
