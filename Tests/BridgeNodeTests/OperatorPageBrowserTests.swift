// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeHTTPAPI
import BridgeStore
import Foundation
import GRDB
import Hummingbird
import Logging
import ProcessTestSupport
import ServiceLifecycle
import Testing

/// The operator's page in headless Chromium against a node's API on a real socket and a real
/// SQLite store holding completed, pending and rejected transfers and one crafted lock whose
/// recipient and v2 metadata carry `<script>`. Screenshots go to `.build/artifacts/`.
struct OperatorPageBrowserTests {
    static let crafted = "<script>document.title='owned';document.body.innerHTML='owned'</script>"

    @Test func pageRendersLinksResolveNumbersMatchTheAPIAndScriptStaysText() async throws {
        guard let chromium = HeadlessChromium.find() else {
            print("skipped: chromium is not on PATH (scripts/install-deps --extras installs it)")
            return
        }
        var fixture = try FilledDatabase(count: 14)
        defer { fixture.remove() }
        try fixture.insert(index: 20, status: .rejected)
        let craftedID = try #require(fixture.ids.last)
        let ids = fixture.ids
        let now: UInt64 = 1_700_000_200_000
        try await fixture.database.writer.write { db in
            try db.execute(
                sql: "UPDATE observation SET recipient = ?, metadata = ?, reason = ? WHERE id = ?",
                arguments: [Self.crafted, Self.crafted, "recipient is not a Koinos address: " + Self.crafted, craftedID])
            // Completed transfers locked a minute or two before they completed, all recently.
            try db.execute(
                sql: "UPDATE observation SET created_at_ms = ? - 600000 + created_at_ms, updated_at_ms = ? - 600000 + updated_at_ms", arguments: [Int64(now), Int64(now)])
            try db.execute(sql: "UPDATE observation SET block_time_ms = updated_at_ms - 60000 - 1000 * log_index WHERE status = 'completed'")
            // Signatures of the first half arrived within the last hour, the others before it.
            try db.execute(
                sql: "UPDATE signature SET received_at_ms = CASE WHEN observation_id < ? THEN ? ELSE ? END",
                arguments: [ids[7], Int64(now - 300_000), Int64(now - 7_200_000)])
        }
        let api = fixture.api(metrics: { Array("up 1\n".utf8) }, clock: { now })
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = api.buildApplication(host: "127.0.0.1", port: 0, logger: Logger(label: "test")) { channel in
            continuation.yield(channel.localAddress?.port ?? 0)
        }
        let artifacts = ConfigurationTests.repository.appendingPathComponent(".build/artifacts").path
        try FileManager.default.createDirectory(atPath: artifacts, withIntermediateDirectories: true)
        let serviceGroup = ServiceGroup(configuration: .init(services: [app], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await serviceGroup.run() }
            defer { group.cancelAll() }
            var iterator = ports.makeAsyncIterator()
            let base = "http://127.0.0.1:\(try #require(await iterator.next()))"

            let dom = try await HeadlessChromium.run(chromium, ["--dump-dom", base + "/"])
            #expect(dom.contains("<h2>Recent attestations</h2>") && dom.contains("<h2>Validators</h2>") && dom.contains("<svg class=\"chart\""))
            #expect(dom.contains("<title>bridge-relay test</title>"), "the crafted script ran or the title changed")
            #expect(!dom.contains("<script"))
            #expect(dom.contains("&lt;script&gt;document.title='owned'"))

            // The numbers the page shows equal the API's.
            let status = try Self.object(try await TestHTTP.request(base + "/v1/status", timeout: .seconds(10)).text)
            let counts = try #require(status["attestations"] as? [String: Int])
            for (name, n) in counts { #expect(Self.number(dom, id: "count-\(name)") == n, "count of \(name)") }
            #expect(Self.number(dom, id: "count-all") == counts.values.reduce(0, +))
            let peers = try #require(status["peers"] as? [String: Int])
            #expect(Self.number(dom, id: "peers-connected") == peers["connected"])
            let list = try Self.object(try await TestHTTP.request(base + "/v1/attestations?limit=50", timeout: .seconds(10)).text)
            for item in try #require(list["items"] as? [[String: Any]]) {
                let id = try #require(item["id"] as? String)
                let amount = try #require((item["observation"] as? [String: Any])?["amount"] as? String)
                let human = try #require(Self.human(amount))
                #expect(dom.contains("href=\"/attestations/\(id)\""), "row \(id)")
                #expect(dom.contains("<td class=\"num amount\">\(human)</td>"), "amount \(amount) of \(id)")
            }

            // Signatures in the last hour per validator, and the latency percentiles, from the API's rows.
            let items = try #require(list["items"] as? [[String: Any]])
            var perValidator: [String: Int] = [:]
            var latencies: [Int] = []
            for item in items {
                for s in item["signatures"] as? [[String: Any]] ?? [] where (s["received_at_ms"] as? Int ?? 0) >= Int(now) - 3_600_000 {
                    perValidator[s["validator"] as? String ?? "", default: 0] += 1
                }
                if item["status"] as? String == "completed", let o = item["observation"] as? [String: Any] {
                    latencies.append((item["updated_at_ms"] as? Int ?? 0) - (o["block_time_ms"] as? Int ?? 0))
                }
            }
            let validators = try #require(try Self.object(try await TestHTTP.request(base + "/v1/validators", timeout: .seconds(10)).text)["validators"] as? [[String: Any]])
            #expect(validators.count == 3 && perValidator.values.reduce(0, +) > 0)
            for v in validators {
                let address = try #require(v["koinos_address"] as? String)
                #expect(Self.number(dom, id: "signatures-\(address)") == perValidator[address, default: 0], "signatures of \(address)")
            }
            latencies.sort()
            #expect(latencies.count == 2)
            #expect(dom.contains("data-p50-ms=\"\(latencies[0])\" data-p95-ms=\"\(latencies[1])\""))

            // Every link on the page and on one detail page answers 200.
            let completedID = fixture.ids[4]
            let detail = try await HeadlessChromium.run(chromium, ["--dump-dom", base + "/attestations/\(completedID)"])
            var links = Set(Self.links(dom) + Self.links(detail))
            links.insert("/page.css")
            #expect(links.count > 20)
            for link in links.sorted() {
                let code = try await TestHTTP.request(base + link, timeout: .seconds(10)).status
                #expect(code == 200, "\(link) answered \(code)")
            }
            let detailJSON = try Self.object(try await TestHTTP.request(base + "/v1/attestations/\(completedID)", timeout: .seconds(10)).text)
            for signature in try #require(detailJSON["signatures"] as? [[String: Any]]) {
                #expect(detail.contains("<code>\(try #require(signature["recovered"] as? String))</code>"))
            }
            let craftedDetail = try await HeadlessChromium.run(chromium, ["--dump-dom", base + "/attestations/\(craftedID)"])
            #expect(!craftedDetail.contains("<script") && craftedDetail.contains("&lt;script&gt;document.title='owned'"))

            for (name, path) in [("operator-page.png", "/"), ("attestation-detail.png", "/attestations/\(completedID)")] {
                let png = artifacts + "/" + name
                try? FileManager.default.removeItem(atPath: png)
                _ = try await HeadlessChromium.run(chromium, ["--screenshot=\(png)", "--window-size=1500,2200", base + path])
                let size = (try? FileManager.default.attributesOfItem(atPath: png)[.size] as? Int) ?? 0
                #expect(size > 20_000, "\(name) is \(size) bytes")
                print("screenshot: \(png) (\(size) bytes)")
            }
            await serviceGroup.triggerGracefulShutdown()
            try await group.next()  // stopped before the deferred cancelAll, which is only for a failed #require
        }
    }

    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// The integer inside `<span class="num" id="…">N</span>`.
    static func number(_ html: String, id: String) -> Int? {
        guard let start = html.range(of: "id=\"\(id)\">") else { return nil }
        return Int(html[start.upperBound...].prefix { $0.isNumber })
    }

    /// Local links (`href="/…"`), entities decoded.
    static func links(_ html: String) -> [String] {
        html.components(separatedBy: "href=\"").dropFirst().compactMap { part in
            let link = String(part.prefix { $0 != "\"" }).replacingOccurrences(of: "&amp;", with: "&")
            return link.hasPrefix("/") ? link : nil
        }
    }

    /// `100004` base units with 8 decimals → `0.00100004` (the page's rule, written out here).
    static func human(_ amount: String) -> String? {
        guard let value = UInt64(amount) else { return nil }
        var fraction = String(value % 100_000_000)
        fraction = String(repeating: "0", count: 8 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        guard value < 100_000_000_000 else { return nil }  // the fixture's amounts need no digit grouping
        let whole = String(value / 100_000_000)
        return fraction.isEmpty ? whole : "\(whole).\(fraction)"
    }
}
