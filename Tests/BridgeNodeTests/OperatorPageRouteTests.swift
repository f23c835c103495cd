// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeHTTPAPI
import BridgeStore
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// `/`, `/attestations/{id}` and `/page.css` through the router, over a real SQLite database.
struct OperatorPageRouteTests {
    func withApp(_ api: InspectionAPI, _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = Application(router: api.buildRouter(logger: Logger(label: "test")))
        try await app.test(.router) { client in try await body(client) }
    }

    @Test func pageCarriesItsSecurityPolicyAndFetchesNothingExternal() async throws {
        let fixture = try FilledDatabase(count: 7)
        defer { fixture.remove() }
        try await withApp(fixture.api()) { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .ok)
                let csp = try #require(response.headers[.contentSecurityPolicy])
                #expect(csp.contains("default-src 'none'") && csp.contains("style-src 'self'") && !csp.contains("unsafe-inline"))
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                let html = String(buffer: response.body)
                #expect(html.contains("<meta http-equiv=\"refresh\" content=\"5\">"))
                #expect(html.contains("<link rel=\"stylesheet\" href=\"/page.css\">"))
                #expect(!html.contains("<script") && !html.contains("style=\"") && !html.contains("src="))
                #expect(!html.contains("href=\"http"))
                for status in ["completed", "rejected", "quorum", "observed"] { #expect(html.contains("<span class=\"status s-\(status)\">")) }
            }
            try await client.execute(uri: "/page.css", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/css; charset=utf-8")
                #expect(String(buffer: response.body).contains("header.alert"))
            }
        }
    }

    @Test func statusFilterAndPagingWalkEveryRowOnce() async throws {
        let fixture = try FilledDatabase(count: 12)
        defer { fixture.remove() }
        var api = fixture.api()
        api.page.pageSize = 5
        try await withApp(api) { client in
            var seen: [String] = []
            var uri: String? = "/"
            for _ in 0..<5 {
                guard let next = uri else { break }
                let html = try await client.execute(uri: next, method: .get) { String(buffer: $0.body) }
                seen += Self.detailLinks(html)
                uri = Self.olderLink(html)
            }
            #expect(seen == Array(fixture.ids.reversed()))
            let completed = try await client.execute(uri: "/?status=completed", method: .get) { String(buffer: $0.body) }
            #expect(Self.detailLinks(completed).count == 2)  // rows 4 and 11
            #expect(!completed.contains("<span class=\"status s-quorum\">"))
            try await client.execute(uri: "/?status=nonsense", method: .get) { #expect($0.status == .badRequest) }
        }
    }

    @Test func detailPageShowsEveryFieldAndEachRecoveredSigner() async throws {
        let fixture = try FilledDatabase(count: 7)
        defer { fixture.remove() }
        let id = fixture.ids[4]  // completed, three signatures
        try await withApp(fixture.api()) { client in
            let api = try await client.execute(uri: "/v1/attestations/\(id)", method: .get) { try HTTPAPITests.json($0) }
            try await client.execute(uri: "/attestations/\(id)", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentSecurityPolicy] != nil)
                let html = String(buffer: response.body)
                let observation = try #require(api["observation"] as? [String: Any])
                for key in Array(api.keys) + Array(observation.keys) where key != "links" && key != "observation" && key != "signatures" {
                    // quorum, submission and governor are sections with their own fields.
                    let section = ["quorum", "submission", "governor"].contains(key) && html.contains("<h2>\(key)")
                    #expect(html.contains("<th>\(key)</th>") || section, "field \(key) missing")
                }
                let signatures = try #require(api["signatures"] as? [[String: Any]])
                #expect(signatures.count == 3)
                for s in signatures {
                    let recovered = try #require(s["recovered"] as? String)
                    #expect(html.contains("<code>\(recovered)</code>"))
                    #expect(html.contains(try #require(s["signature"] as? String)))
                }
                #expect(html.components(separatedBy: "<tr class=\"good\">").count - 1 == 3)
            }
            try await client.execute(uri: "/attestations/nonsense", method: .get) { #expect($0.status == .badRequest) }
            let unknown = "1337:0x\(String(repeating: "ab", count: 32)):0"
            try await client.execute(uri: "/attestations/\(unknown)", method: .get) { #expect($0.status == .notFound) }
        }
    }

    @Test func overviewCountsTheHourTheLatencyAndTheSignatures() async throws {
        let fixture = try FilledDatabase(count: 14)
        defer { fixture.remove() }
        let hour: UInt64 = 3_600_000
        let now = 30 * hour + 1_000
        try await fixture.database.writer.write { db in
            // Completed rows 4 and 11: locked 60 s and 90 s before completing, completed in the current hour.
            try db.execute(sql: "UPDATE observation SET block_time_ms = ?, updated_at_ms = ? WHERE id = ?", arguments: [Int64(now - 70_000), Int64(now - 10_000), fixture.ids[4]])
            try db.execute(sql: "UPDATE observation SET block_time_ms = ?, updated_at_ms = ? WHERE id = ?", arguments: [Int64(now - 95_000), Int64(now - 5_000), fixture.ids[11]])
            // Three locks this hour, two the hour before, the rest long ago.
            for (i, at) in [(0, now - 1), (1, now - 2), (2, now - 3), (3, now - hour), (5, now - hour - 5)] {
                try db.execute(sql: "UPDATE observation SET created_at_ms = ? WHERE id = ?", arguments: [Int64(at), fixture.ids[i]])
            }
            try db.execute(sql: "UPDATE signature SET received_at_ms = ? WHERE observation_id = ?", arguments: [Int64(now - 60_000), fixture.ids[4]])
        }
        let overview = try await fixture.database.operatorOverview(nowMs: now, completions: 10, hours: 3)
        #expect(overview.completions.map(\.latencyMs) == [60_000, 90_000])
        #expect(overview.hourly.map(\.observed) == [0, 2, 3])
        #expect(overview.hourly.map(\.hourStartMs) == [28 * hour, 29 * hour, 30 * hour])
        #expect(overview.signaturesLastHour.values.sorted() == [1, 1, 1])
        let counts = try await fixture.database.statusCounts()
        #expect(overview.statusCounts == counts)
        #expect(overview.evidenceCount == 1)
        #expect(overview.heartbeats.count == 1 && overview.cursors.count == 1)
        // Early in the epoch the window starts at hour 0 instead of wrapping around.
        let early = try await fixture.database.operatorOverview(nowMs: 1_000, completions: 1, hours: 24)
        #expect(early.hourly.count == 1)
    }

    static func detailLinks(_ html: String) -> [String] {
        html.components(separatedBy: "<td><a href=\"/attestations/").dropFirst().compactMap { $0.split(separator: "\"").first.map(String.init) }
    }

    static func olderLink(_ html: String) -> String? {
        guard let rel = html.range(of: "\" rel=\"next\">") else { return nil }
        let before = html[..<rel.lowerBound]
        guard let href = before.range(of: "href=\"", options: .backwards) else { return nil }
        return before[href.upperBound...].replacingOccurrences(of: "&amp;", with: "&")
    }
}
