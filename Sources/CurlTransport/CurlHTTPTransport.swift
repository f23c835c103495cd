// SPDX-License-Identifier: Apache-2.0
import Dispatch
import Foundation
public import JSONRPC
import Synchronization

/// Settings for one libcurl-backed endpoint.
public struct CurlTransportConfiguration: Sendable {
    /// http(s) URL of the JSON-RPC endpoint.
    public var url: String
    /// TCP + TLS connect timeout in seconds.
    public var connectTimeout: Double = 5
    /// Whole-request timeout in seconds.
    public var totalTimeout: Double = 30
    /// Bodies larger than this are refused (a hostile or broken endpoint cannot exhaust memory).
    public var maxResponseBytes: Int = 64 << 20
    /// Pooled easy handles: each keeps its connection alive between requests.
    public var maxHandles: Int = 4
    /// Extra request headers (e.g. an API key).
    public var headers: [String] = []

    public init(url: String) { self.url = url }
}

/// JSON-RPC over HTTP POST with libcurl: keep-alive reuse, timeouts, TLS verification on, gzip,
/// the `HTTPS_PROXY`/`https_proxy` environment honoured (libcurl's default), response size cap.
///
/// libcurl calls block, so each request runs on a dispatch queue, never on the Swift concurrency pool.
public final class CurlHTTPTransport: JSONRPCTransport, Sendable {
    public let configuration: CurlTransportConfiguration
    private let pool: Mutex<[CurlEasyHandle]> = Mutex([])
    private let queue = DispatchQueue(label: "bridge.curl", attributes: .concurrent)

    public init(configuration: CurlTransportConfiguration) {
        CurlEasyHandle.globalInit()
        self.configuration = configuration
    }

    public convenience init(url: String) {
        self.init(configuration: CurlTransportConfiguration(url: url))
    }

    public var endpointDescription: String { EndpointURL.redacted(configuration.url) }

    public func post(_ body: [UInt8]) async throws -> [UInt8] {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                let handle = self.pool.withLock { $0.popLast() } ?? CurlEasyHandle()
                let result = Result { try handle.post(body, configuration: self.configuration) }
                self.pool.withLock { handles in
                    if handles.count < self.configuration.maxHandles { handles.append(handle) }
                }
                continuation.resume(with: result)
            }
        }
    }
}
