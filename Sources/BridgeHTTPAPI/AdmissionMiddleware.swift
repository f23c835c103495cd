// SPDX-License-Identifier: Apache-2.0
import Hummingbird

/// Bounds the requests the API works on at once. Past `permits` in flight a request waits in a
/// line of at most `queueLimit`; past that it gets `503` with `Retry-After` and the usual
/// `{error, detail}` body at once, so load sheds instead of piling up. `/healthz` and `/metrics`
/// bypass the gate: they touch no store and must answer while the API is saturated.
struct AdmissionMiddleware<Context: RequestContext>: RouterMiddleware {
    let gate: AdmissionGate
    let metrics: HTTPMetrics
    static var bypass: Set<String> { ["/healthz", "/metrics"] }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if Self.bypass.contains(request.uri.path) { return try await next(request, context) }
        guard await gate.enter() else {
            metrics.requestRejected()
            var response = JSONResponse.make(
                ErrorBody(error: "unavailable", detail: "the node is answering too many requests; retry in a second"),
                status: .serviceUnavailable)
            response.headers[.retryAfter] = "1"
            return response
        }
        defer { gate.leave() }
        return try await next(request, context)
    }
}
