// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeHTTPAPI
import BridgeStore
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Testing

/// The operator's page shows the Koinos → Ethereum transfers beside the first direction, and the
/// OpenAPI document describes the Koinos detail id and the list cursor.
struct OperatorPageKoinosTests {
    static func html(_ client: some TestClientProtocol, _ uri: String) async throws -> String {
        try await client.execute(uri: uri, method: .get) { response in
            #expect(response.status == .ok, "\(uri)")
            return String(buffer: response.body)
        }
    }

    @Test func theHomePageShowsAKoinosLockWithItsDirectionStatusAndEthereumTransaction() async throws {
        let fixture = try FilledDatabase(count: 3)
        defer { fixture.remove() }
        try await fixture.insertKoinosLock()
        let id = "koinos:\(Hex.encode(FilledDatabase.koinosTransactionID)):1"
        let app = Application(router: fixture.api().buildRouter(logger: HTTPAPITests.logger))
        try await app.test(.router) { client in
            let page = try await Self.html(client, "/")
            let section = try #require(page.range(of: "<section id=\"koinos-transfers\">").map { String(page[$0.lowerBound...]) })
                .components(separatedBy: "</section>").first ?? ""
            #expect(section.contains("<h2>Koinos → Ethereum transfers</h2>"))
            #expect(section.contains("<td class=\"direction\">Koinos → Ethereum</td>"))
            #expect(section.contains("<a href=\"/v1/attestations/\(id)\">0x12205a5a…5a5a:1</a>"), "\(section)")
            #expect(section.contains("<span class=\"status s-quorum\">quorum</span>"))
            #expect(section.contains("<td class=\"num amount\">250000</td>") && section.contains("<td class=\"num\">3</td>"))
            #expect(section.contains("<td class=\"ethereum-tx\">-</td>"), "no Ethereum transaction yet")

            let hash = [UInt8](repeating: 0xe3, count: 32)
            try await fixture.database.writer.write { db in
                try db.execute(sql: """
                    INSERT INTO ethereum_delivery (transfer_id, status, transaction_hashes, max_fee_per_gas, max_priority_fee_per_gas,
                    attempts, updated_at_ms) VALUES (?, 'sent', ?, 1, 1, 1, 9600)
                    """, arguments: [id, Data(hash)])
            }
            let sent = try await Self.html(client, "/")
            #expect(sent.contains("<code class=\"full\">\(Hex.encode(hash))</code>"), "the Ethereum tx hash is shown in full on click")

            // The status filter applies to both directions.
            let completed = try await Self.html(client, "/?status=completed")
            #expect(completed.contains("No Koinos → Ethereum transfers with status completed yet.") && !completed.contains(id))
            #expect(try await Self.html(client, "/?status=quorum").contains(id))
        }
    }

    @Test func theOpenAPIDocumentDescribesTheKoinosIdAndTheCursor() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: OpenAPIConformanceTests.documentPath))
        let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: [String: Any]]])
        let list = try #require(paths["/v1/attestations"]?["get"]?["parameters"] as? [[String: Any]])
        let cursor = try #require(list.first { $0["name"] as? String == "cursor" })
        #expect((cursor["description"] as? String)?.contains("opaque") == true)
        #expect((list.first { $0["name"] as? String == "direction" }?["description"] as? String)?.contains("cursor") == true)
        let detail = try #require(paths["/v1/attestations/{id}"]?["get"])
        let idParameter = try #require((detail["parameters"] as? [[String: Any]])?.first)
        #expect((idParameter["description"] as? String)?.contains("koinos:0x<68 hex Koinos transaction id>:<operation_id>") == true)
        let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: [String: Any]])
        #expect((schemas["KoinosAttestationPage"]?["required"] as? [String]) == ["items", "next_cursor", "limit"])
        let koinos = try #require(schemas["KoinosAttestation"])
        #expect(Set(koinos["required"] as? [String] ?? []).isSuperset(of: ["id", "direction", "observation", "signatures", "submission", "links"]))
        let detail200 = try #require((detail["responses"] as? [String: [String: Any]])?["200"])
        #expect("\(detail200)".contains("#/components/schemas/KoinosAttestation"))
    }
}
