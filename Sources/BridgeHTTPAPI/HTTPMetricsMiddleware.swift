// SPDX-License-Identifier: Apache-2.0
import Hummingbird
import Metrics
import Synchronization

/// `bridge_http_requests_total{route,code}` and `bridge_http_request_duration_seconds{route}`.
///
/// Labels are bounded: `route` is one of the API's route templates (or `other`), `code` a status
/// class (`2xx` … `5xx`). Metric objects are made once per label pair and then reused.
final class HTTPMetrics: Sendable {
    /// Route templates used as the `route` label; anything else is `other`.
    static let routes = [
        "/v1/attestations/{id}", "/v1/attestations", "/v1/validators", "/v1/peers", "/v1/status", "/v1/evidence",
        "/healthz", "/readyz", "/metrics", "/openapi.json", "/GetEthereumTransaction", "/GetKoinosTransaction", "/",
    ]

    private let counters = Mutex<[String: Counter]>([:])
    private let timers = Mutex<[String: Metrics.Timer]>([:])

    static func route(for path: String) -> String {
        if path.hasPrefix("/v1/attestations/") { return "/v1/attestations/{id}" }
        return routes.contains(path) ? path : "other"
    }

    func record(route: String, status: Int, nanoseconds: Int64) {
        let code = "\(min(max(status / 100, 1), 5))xx"
        let key = route + " " + code
        let counter = counters.withLock { table in
            if let c = table[key] { return c }
            let c = Counter(label: "bridge_http_requests_total", dimensions: [("route", route), ("code", code)])
            table[key] = c
            return c
        }
        counter.increment()
        let timer = timers.withLock { table in
            if let t = table[route] { return t }
            let t = Metrics.Timer(label: "bridge_http_request_duration_seconds", dimensions: [("route", route)])
            table[route] = t
            return t
        }
        timer.recordNanoseconds(nanoseconds)
    }
}

/// Measures every request, including those that end in an error response.
struct HTTPMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: HTTPMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let route = HTTPMetrics.route(for: request.uri.path)
        do {
            let response = try await next(request, context)
            metrics.record(route: route, status: response.status.code, nanoseconds: Self.elapsed(since: start))
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            metrics.record(route: route, status: status, nanoseconds: Self.elapsed(since: start))
            throw error
        }
    }

    static func elapsed(since start: ContinuousClock.Instant) -> Int64 {
        let d = ContinuousClock.now - start
        return d.components.seconds * 1_000_000_000 + d.components.attoseconds / 1_000_000_000
    }
}
