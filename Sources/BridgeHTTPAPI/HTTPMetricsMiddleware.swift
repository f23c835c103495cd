// SPDX-License-Identifier: Apache-2.0
import Hummingbird

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
