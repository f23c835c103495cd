// SPDX-License-Identifier: Apache-2.0
public import HTTPTypes
public import Hummingbird
import Logging

/// A client-visible failure, rendered as `{ "error": code, "detail": text }`.
///
/// Every client mistake (unknown id, malformed hex, bad page size, unknown filter, unknown route)
/// becomes a 4xx of this shape; only a failing store or encoder gives a 5xx.
public struct APIError: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    /// Stable machine-readable code: `bad_request`, `not_found`, `method_not_allowed`, `unavailable`, `internal`.
    public var code: String
    public var detail: String

    public init(status: HTTPResponse.Status, code: String, detail: String) {
        self.status = status
        self.code = code
        self.detail = detail
    }

    public static func badRequest(_ detail: String) -> Self { .init(status: .badRequest, code: "bad_request", detail: detail) }
    public static func notFound(_ detail: String) -> Self { .init(status: .notFound, code: "not_found", detail: detail) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        JSONResponse.make(ErrorBody(error: code, detail: detail), status: status)
    }
}

/// The error body every 4xx/5xx carries.
struct ErrorBody: Encodable {
    var error: String
    var detail: String
}

/// Turns every error (ours, Hummingbird's own 404/405, decoding failures) into the `{error, detail}` shape.
struct APIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return try error.response(from: request, context: context)
        } catch let error as HTTPError {
            let status = error.status
            let code: String =
                switch status.code {
                case 404: "not_found"
                case 405: "method_not_allowed"
                case 400..<500: "bad_request"
                default: "internal"
                }
            let detail = error.body ?? (status.code == 404 ? "no route for \(request.method) \(request.uri.path)" : status.reasonPhrase)
            return JSONResponse.make(ErrorBody(error: code, detail: detail), status: status)
        } catch {
            logger.error("Request failed", metadata: ["http.path": "\(request.uri.path)", "error": "\(error)"])
            return JSONResponse.make(ErrorBody(error: "internal", detail: "the node could not answer this request"), status: .internalServerError)
        }
    }
}
