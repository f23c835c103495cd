// SPDX-License-Identifier: Apache-2.0
import BridgeHTTPAPI
import Foundation
import Hummingbird
import Logging
import NIOPosix
import ServiceLifecycle
import Testing

/// `InspectionAPI.httpServer(handlersOnEventLoop:)` over real sockets: with it on, handlers run on
/// the connection's event loop (`EventLoopHTTP1Channel`); off (the node's server), on the pool;
/// and either way every answer has the same status and bytes, a detail read from SQLite included.
@Suite struct EventLoopHTTP1ChannelTests {
    static let logger = Logger(label: "test")

    static func withServer(onEventLoop: Bool, _ fixture: FilledDatabase, _ body: (Int) async throws -> Void) async throws {
        let router = fixture.api().buildRouter(logger: logger)
        router.get("/test/on-event-loop") { _, _ in MultiThreadedEventLoopGroup.currentEventLoop != nil ? "yes" : "no" }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, server: InspectionAPI.httpServer(limits: .init(), handlersOnEventLoop: onEventLoop),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: logger)
        try await withLoopbackServer(app, ports: ports, body)
    }

    static func get(_ port: Int, _ path: String) async throws -> RawHTTPClient.Exchange {
        try await RawHTTPClient.exchange(port: port, sending: "GET \(path) HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
    }

    @Test func handlersRunOnTheEventLoopOnlyWhenAsked() async throws {
        let fixture = try FilledDatabase(count: 3)
        defer { fixture.remove() }
        for onEventLoop in [true, false] {
            try await Self.withServer(onEventLoop: onEventLoop, fixture) { port in
                for _ in 0..<3 {  // each on a new connection
                    let answer = try await Self.get(port, "/test/on-event-loop")
                    #expect(answer.status == 200)
                    #expect(answer.body == (onEventLoop ? "yes" : "no"), "handlersOnEventLoop: \(onEventLoop)")
                }
            }
        }
    }

    @Test func everyAnswerIsTheSameOnEitherExecutor() async throws {
        let fixture = try FilledDatabase(count: 3)
        defer { fixture.remove() }
        let paths = ["/v1/attestations/" + fixture.ids[0], "/v1/attestations/" + fixture.ids[2], "/v1/attestations?limit=2",
                     "/v1/attestations/1:0x" + String(repeating: "ab", count: 32) + ":0", "/v1/attestations/nonsense", "/v1/status", "/healthz"]
        var answers: [Bool: [(Int?, String)]] = [:]
        for onEventLoop in [true, false] {
            try await Self.withServer(onEventLoop: onEventLoop, fixture) { port in
                for path in paths {
                    let answer = try await Self.get(port, path)
                    answers[onEventLoop, default: []].append((answer.status, answer.body))
                }
            }
        }
        let loop = try #require(answers[true]), pool = try #require(answers[false])
        #expect(loop.map(\.0) == [200, 200, 200, 404, 400, 200, 200], "\(loop.map(\.0))")
        for (i, path) in paths.enumerated() {
            #expect(loop[i].0 == pool[i].0, "\(path): status")
            #expect(loop[i].1 == pool[i].1, "\(path): body")
        }
        #expect(loop[0].1.contains("\"signatures\":["), "the detail was not rendered: \(loop[0].1.prefix(200))")
    }
}
