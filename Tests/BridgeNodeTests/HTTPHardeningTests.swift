// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeHTTPAPI
import BridgeStore
import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import Testing

/// The API against hostile and unlucky clients, over real sockets: malformed requests get the
/// `{error, detail}` JSON 400, HEAD works on every GET route, slow clients are cut off, and past
/// its concurrency bound the API sheds load with 503 + Retry-After instead of piling up.
@Suite struct HTTPHardeningTests {
    /// Runs the fixture's API on an ephemeral port for the duration of `body`.
    static func withServer(
        limits: InspectionLimits = .init(), store: ((BridgeDatabase) -> any BridgeReadStore)? = nil, _ body: (Int) async throws -> Void
    ) async throws {
        let fixture = try FilledDatabase(count: 3)
        defer { fixture.remove() }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let api = fixture.api(store: store?(fixture.database), limits: limits)
        let app = api.buildApplication(host: "127.0.0.1", port: 0, logger: Logger(label: "test")) { channel in
            continuation.yield(channel.localAddress?.port ?? 0)
        }
        try await withLoopbackServer(app, ports: ports, body)
    }

    static let malformed: [(String, String)] = [
        ("NUL in the path", "GET /v1/\u{0}status HTTP/1.1\r\nHost: a\r\n\r\n"),
        ("bad version", "GET /healthz HTTP/9.Z\r\nHost: a\r\n\r\n"),
        ("bad Content-Length", "POST /healthz HTTP/1.1\r\nHost: a\r\nContent-Length: -3\r\n\r\n"),
        ("duplicated Content-Length", "POST /healthz HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"),
        ("chunked with a length", "POST /healthz HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n"),
        ("70 KB of headers", "GET /healthz HTTP/1.1\r\nHost: a\r\nX-Big: " + String(repeating: "a", count: 70 * 1024) + "\r\n\r\n"),
    ]

    @Test func malformedRequestsGetAJSON400AndTheConnectionCloses() async throws {
        try await Self.withServer { port in
            for (name, request) in Self.malformed {
                let answer = try await RawHTTPClient.exchange(port: port, sending: request)
                #expect(answer.status == 400, "\(name): \(answer.text.prefix(120))")
                #expect(answer.text.lowercased().contains("content-type: application/json"), "\(name)")
                let body = try? JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: String]
                #expect(body?["error"] == "bad_request", "\(name): \(answer.body)")
                #expect(body?["detail"]?.hasPrefix("malformed HTTP request") == true, "\(name): \(answer.body)")
                #expect(answer.closedByServer, "\(name): the connection stayed open")
            }
            // The server still answers well-formed requests afterwards.
            let healthy = try await RawHTTPClient.exchange(port: port, sending: "GET /healthz HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
            #expect(healthy.status == 200)
        }
    }

    @Test func headAnswersEveryGetRouteWithoutABody() async throws {
        try await Self.withServer { port in
            for path in ["/v1/attestations", "/v1/status", "/healthz", "/openapi.json", "/"] {
                let answer = try await RawHTTPClient.exchange(port: port, sending: "HEAD \(path) HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
                #expect(answer.status == 200, "HEAD \(path): \(answer.text.prefix(80))")
                #expect(answer.body.isEmpty, "HEAD \(path) carried a body")
            }
        }
    }

    @Test func slowClientsAreCutOff() async throws {
        var limits = InspectionLimits()
        limits.headerTimeoutMs = 300
        limits.bodyTimeoutMs = 300
        try await Self.withServer(limits: limits) { port in
            // A head that never completes (slowloris) and an idle keep-alive connection: both closed.
            let start = ContinuousClock.now
            let partial = try await RawHTTPClient.exchange(
                port: port, sending: [Array("GET /healthz HTTP/1.1\r\n".utf8), Array("Host: a\r\n".utf8)], pause: .milliseconds(100), timeout: .seconds(20))
            #expect(partial.closedByServer)
            // Well before the client's own 20 s timeout (the server's limit is 300 ms; the margin is for a
            // loaded parallel run, where this process has been seen stalled for seconds).
            #expect(ContinuousClock.now - start < .seconds(15))
            let idle = try await RawHTTPClient.exchange(port: port, sending: [], timeout: .seconds(20))
            #expect(idle.closedByServer)
            // A body that never arrives: the connection is closed (after the route's answer, if any).
            let started = ContinuousClock.now
            let body = try await RawHTTPClient.exchange(
                port: port, sending: "POST /healthz HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nabc", timeout: .seconds(20))
            #expect(ContinuousClock.now - started < .seconds(15))
            #expect(body.closedByServer)
        }
    }

    @Test func pastTheBoundTheAPIAnswers503WithRetryAfter() async throws {
        var limits = InspectionLimits()
        limits.concurrentRequests = 1
        limits.queuedRequests = 0
        let (reads, readStarted) = AsyncStream.makeStream(of: Void.self)
        try await Self.withServer(limits: limits, store: { SlowReadStore(base: $0, delay: .milliseconds(800), started: readStarted) }) { port in
            async let slow = RawHTTPClient.exchange(port: port, sending: "GET /v1/attestations HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
            var started = reads.makeAsyncIterator()
            _ = await started.next()  // the slow request holds the only slot: its store read began
            let shed = try await RawHTTPClient.exchange(port: port, sending: "GET /v1/status HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
            #expect(shed.status == 503, "\(shed.text.prefix(120))")
            #expect(shed.text.lowercased().contains("retry-after: 1"))
            #expect(shed.body.contains("\"error\":\"unavailable\""))
            // /healthz bypasses the bound.
            let health = try await RawHTTPClient.exchange(port: port, sending: "GET /healthz HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
            #expect(health.status == 200)
            #expect(try await slow.status == 200)
        }
    }
}

/// A store whose every read takes `delay` (holds the API's only request slot in the test above).
struct SlowReadStore: BridgeReadStore {
    let base: BridgeDatabase
    let delay: Duration
    /// Told when a slow read begins.
    var started: AsyncStream<Void>.Continuation?

    func attestations(_ query: AttestationQuery) async throws -> AttestationPage {
        started?.yield()
        try await Task.sleep(for: delay)  // the slow store is the test
        return try await base.attestations(query)
    }
    func attestation(id: String) async throws -> AttestationRecord? { try await base.attestation(id: id) }
    func attestations(transactionHash: [UInt8]) async throws -> [AttestationRecord] { try await base.attestations(transactionHash: transactionHash) }
    func evidence(before: Int64?, limit: Int) async throws -> [EvidenceRecord] { try await base.evidence(before: before, limit: limit) }
    func heartbeats() async throws -> [HeartbeatRecord] { try await base.heartbeats() }
    func cursors() async throws -> [CursorRecord] { try await base.cursors() }
    func statusCounts() async throws -> [AttestationStatus: Int] { try await base.statusCounts() }
    func operatorOverview(nowMs: UInt64, completions: Int, hours: Int) async throws -> OperatorOverview {
        try await base.operatorOverview(nowMs: nowMs, completions: completions, hours: hours)
    }
}
