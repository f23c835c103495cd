// SPDX-License-Identifier: Apache-2.0
import CoreMetrics

/// The start-up page release's metric, made once with its service:
/// `bridge_memory_startup_code_released_bytes` (what the one release gave back).
struct StartupPageReleaseMetrics: Sendable {
    let releasedBytes: Gauge

    init(factory: any MetricsFactory = MetricsSystem.factory) {
        releasedBytes = Gauge(label: "bridge_memory_startup_code_released_bytes", factory: factory)
    }
}
