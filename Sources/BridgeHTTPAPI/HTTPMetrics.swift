// SPDX-License-Identifier: Apache-2.0
import Metrics
import Synchronization

/// The HTTP API's `bridge_http_*` metrics, made once with the API: `bridge_http_requests_total{route,code}`,
/// `bridge_http_request_duration_seconds{route}` and `bridge_http_rejected_total` (requests shed by
/// `AdmissionMiddleware`).
///
/// Labels are bounded: `route` is one of the API's route templates (or `other`), `code` a status
/// class (`2xx` … `5xx`). Metric objects are made once per label pair and then reused.
final class HTTPMetrics: Sendable {
    /// Route templates used as the `route` label; anything else is `other`.
    static let routes = [
        "/v1/attestations/{id}", "/v1/attestations", "/v1/validators", "/v1/peers", "/v1/status", "/v1/evidence",
        "/healthz", "/readyz", "/metrics", "/openapi.json", "/GetEthereumTransaction", "/GetKoinosTransaction", "/",
    ]

    private let factory: any MetricsFactory
    private let counters = Mutex<[String: Counter]>([:])
    private let timers = Mutex<[String: Metrics.Timer]>([:])
    private let rejected: Counter

    init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
        rejected = Counter(label: "bridge_http_rejected_total", factory: factory)
    }

    static func route(for path: String) -> String {
        if path.hasPrefix("/v1/attestations/") { return "/v1/attestations/{id}" }
        return routes.contains(path) ? path : "other"
    }

    func record(route: String, status: Int, nanoseconds: Int64) {
        let code = "\(min(max(status / 100, 1), 5))xx"
        let key = route + " " + code
        let counter = counters.withLock { table in
            if let c = table[key] { return c }
            let c = Counter(label: "bridge_http_requests_total", dimensions: [("route", route), ("code", code)], factory: factory)
            table[key] = c
            return c
        }
        counter.increment()
        let timer = timers.withLock { table in
            if let t = table[route] { return t }
            let t = Metrics.Timer(label: "bridge_http_request_duration_seconds", dimensions: [("route", route)], factory: factory)
            table[route] = t
            return t
        }
        timer.recordNanoseconds(nanoseconds)
    }

    /// A request was turned away with 503: the API had no room for it.
    func requestRejected() {
        rejected.increment()
    }
}
