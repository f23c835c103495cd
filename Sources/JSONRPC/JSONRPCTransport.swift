// SPDX-License-Identifier: Apache-2.0

/// Moves one JSON-RPC HTTP POST body to an endpoint and returns the response body.
///
/// Implementations: `CurlHTTPTransport` (libcurl, production) and test doubles. A transport
/// reports HTTP-level problems as `JSONRPCTransportError`; it never interprets JSON.
public protocol JSONRPCTransport: Sendable {
    /// The endpoint, for logs and metrics (credentials stripped).
    var endpointDescription: String { get }
    func post(_ body: [UInt8]) async throws -> [UInt8]
}

/// What can go wrong below JSON: connection, timeout, HTTP status, size cap.
public enum JSONRPCTransportError: Error, Sendable, Hashable, CustomStringConvertible {
    case connectionFailed(String)
    case timedOut(String)
    case httpStatus(Int, String)
    case responseTooLarge(limit: Int)
    case other(String)

    public var description: String {
        switch self {
        case .connectionFailed(let m): "connection failed: \(m)"
        case .timedOut(let m): "timed out: \(m)"
        case .httpStatus(let code, let body): "HTTP status \(code): \(body)"
        case .responseTooLarge(let limit): "response larger than \(limit) bytes"
        case .other(let m): m
        }
    }
}
