// SPDX-License-Identifier: Apache-2.0
import BridgeHTTPAPI
@testable import BridgeStore
import Foundation
import GRDB
import Hummingbird
import ProcessTestSupport
import Testing

/// Detail reads that wait together run as one batch on the detail connection (one queue hop, one
/// read transaction), and each caller still gets its own answer: over real sockets, concurrent
/// requests for different ids, a missing one and a malformed one, held until all wait, then run.
@Suite struct DetailReadBatchingTests {
    /// Waits (bounded: 10 s) until `count` reads wait on the held detail connection.
    static func waitForWaitingReads(_ connection: AttestationDetailConnection, count: Int) async throws {
        for _ in 0..<1000 where connection.statistics.waiting < count {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(connection.statistics.waiting == count, "reads waiting: \(connection.statistics.waiting)")
    }

    /// Serves the fixture's API (fresh rendered-body caches) on a loopback port for `body`.
    static func serve(_ fixture: FilledDatabase, _ body: (String) async throws -> Void) async throws {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: fixture.api().buildRouter(logger: HTTPAPITests.logger), server: InspectionAPI.httpServer(limits: .init()),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: HTTPAPITests.logger)
        try await withLoopbackServer(app, ports: ports) { port in try await body("http://127.0.0.1:\(port)") }
    }

    @Test func concurrentRequestsInOneBatchEachGetTheirOwnAnswer() async throws {
        let fixture = try FilledDatabase(count: 6)
        defer { fixture.remove() }
        let connection = try #require(fixture.database.detailConnection)
        let found = Array(fixture.ids.prefix(5))
        let missing = "1337:0x" + String(repeating: "ef", count: 32) + ":0"
        let malformed = "/v1/attestations/1337:0xnothex:0"
        let paths = found.map { "/v1/attestations/" + $0 } + ["/v1/attestations/" + missing, malformed]

        // The same requests one at a time (each read alone), to compare the batch's bodies with.
        var alone: [String: TestHTTP.Response] = [:]
        try await Self.serve(fixture) { base in
            for path in paths { alone[path] = try await TestHTTP.request(base + path) }
        }
        try await Self.serve(fixture) { base in
            let before = connection.statistics
            connection.suspendReads()
            var resumed = false
            defer { if !resumed { connection.resumeReads() } }
            let answers = try await withThrowingTaskGroup(of: (String, TestHTTP.Response).self) { group in
                for path in paths { group.addTask { (path, try await TestHTTP.request(base + path, timeout: .seconds(20))) } }
                // The malformed id never reaches the store; the other six wait for the held queue.
                try await Self.waitForWaitingReads(connection, count: 6)
                connection.resumeReads()
                resumed = true
                var answers: [String: TestHTTP.Response] = [:]
                for try await (path, response) in group { answers[path] = response }
                return answers
            }
            let after = connection.statistics
            #expect(after.batches - before.batches == 1, "one batch ran: \(before) → \(after)")
            #expect(after.reads - before.reads == 6, "six reads: \(before) → \(after)")

            for id in found {
                let answer = try #require(answers["/v1/attestations/" + id])
                #expect(answer.status == 200)
                let body = try #require(try JSONSerialization.jsonObject(with: answer.body) as? [String: Any])
                #expect(body["id"] as? String == id, "the answer to \(id) is \(body["id"] ?? "no id")")
            }
            #expect(answers["/v1/attestations/" + missing]?.status == 404)
            #expect(answers["/v1/attestations/" + missing]?.text.contains(missing) == true)
            #expect(answers[malformed]?.status == 400)
            for path in paths {
                #expect(alone[path]?.status == answers[path]?.status, "\(path): status")
                #expect(alone[path]?.body == answers[path]?.body, "\(path): body")
            }
        }
    }

    @Test func aFailingReadFailsOnlyItsCaller() async throws {
        let fixture = try FilledDatabase(count: 3)
        defer { fixture.remove() }
        let connection = try #require(fixture.database.detailConnection)
        let (x, y) = (fixture.ids[0], fixture.ids[1])
        let before = connection.statistics
        connection.suspendReads()
        var resumed = false
        defer { if !resumed { connection.resumeReads() } }
        async let first = connection.read { db in try BridgeDatabase.attestationDetail(id: x, db: db)?.id }
        async let failing: Result<Int?, any Error> = {
            do { return .success(try await connection.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM no_such_table") }) } catch {
                return .failure(error)
            }
        }()
        async let second = connection.read { db in try BridgeDatabase.attestationDetail(id: y, db: db)?.id }
        try await Self.waitForWaitingReads(connection, count: 3)
        connection.resumeReads()
        resumed = true
        #expect(try await first == x)
        #expect(try await second == y)
        let failure = await failing
        guard case .failure(let error) = failure else {
            Issue.record("a query of a missing table succeeded: \(failure)")
            return
        }
        #expect("\(error)".contains("no_such_table"), "\(error)")
        let after = connection.statistics
        #expect(after.batches - before.batches == 1 && after.reads - before.reads == 3, "\(before) → \(after)")
        // The batch's read transaction ended: the connection reads again, alone, as before.
        #expect(try await connection.read { db in db.isInsideTransaction } == false)
        #expect(try await fixture.database.attestation(id: x)?.id == x)
    }
}
