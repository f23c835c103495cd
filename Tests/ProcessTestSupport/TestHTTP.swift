// SPDX-License-Identifier: Apache-2.0
public import Foundation
public import HTTPTypes
import HummingbirdTesting
import NIOCore

/// One HTTP/1.1 request to a loopback server (a validator's API, a devnet's JSON-RPC, a fault proxy),
/// over Hummingbird's NIO test client on a fresh connection.
///
/// Not `URLSession`: on Linux, FoundationNetworking traps ("Trying to access a behaviour for a task
/// that in not in the registry") when a timed-out or cancelled task is cancelled again, which a
/// loaded test run does — and a trap ends the whole test process.
public enum TestHTTP {
    public struct Response: Sendable {
        public let status: Int
        public let body: Data
        /// The body as UTF-8 text.
        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    public enum Failure: Error, CustomStringConvertible {
        case notLoopbackHTTP(String)

        public var description: String {
            switch self {
            case .notLoopbackHTTP(let url): "not an http://host:port/path URL: \(url)"
            }
        }
    }

    /// `method` to `url` (`http://host:port/path?query`), a JSON body if given; the read times out after `timeout`.
    public static func request(
        _ url: String, method: HTTPRequest.Method = .get, json body: Data? = nil, timeout: Duration = .seconds(30)
    ) async throws -> Response {
        let (host, port, path) = try parse(url)
        var headers: HTTPFields = [:]
        if body != nil { headers[.contentType] = "application/json" }
        let request = TestClient.Request(
            path, method: method, authority: "\(host):\(port)", headers: headers, body: body.map { ByteBuffer(bytes: $0) })
        let response = try await TestClient.withClient(host: host, port: port, configuration: .init(timeout: timeout)) { client in
            try await client.execute(request)
        }
        return Response(status: response.status.code, body: response.body.map { Data($0.readableBytesView) } ?? Data())
    }

    /// A POST of the JSON `body` to `url`.
    public static func post(_ url: String, json body: Data, timeout: Duration = .seconds(30)) async throws -> Response {
        try await request(url, method: .post, json: body, timeout: timeout)
    }

    /// A JSON object from `url` (GET), or from a POST of `body`.
    public static func json(_ url: String, posting body: Any? = nil, timeout: Duration = .seconds(30)) async throws -> [String: Any] {
        let data = try body.map { try JSONSerialization.data(withJSONObject: $0) }
        let response = try await request(url, method: data == nil ? .get : .post, json: data, timeout: timeout)
        return try JSONSerialization.jsonObject(with: response.body) as? [String: Any] ?? [:]
    }

    static func parse(_ url: String) throws -> (host: String, port: Int, path: String) {
        guard url.hasPrefix("http://") else { throw Failure.notLoopbackHTTP(url) }
        let rest = url.dropFirst("http://".count)
        let authority = rest.prefix { $0 != "/" }
        let path = rest.dropFirst(authority.count)
        guard let colon = authority.lastIndex(of: ":"), let port = Int(authority[authority.index(after: colon)...]) else {
            throw Failure.notLoopbackHTTP(url)
        }
        var host = String(authority[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host, port, path.isEmpty ? "/" : String(path))
    }
}
