// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeHTTPAPI
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// Reads the committed `openapi.json` and checks that every documented (route, status) answers as
/// documented: status code, content type, and the schema's required top-level keys.
struct OpenAPIConformanceTests {
    static let documentPath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/BridgeHTTPAPI/Resources/openapi.json").path

    /// A request that must produce each documented (path, status); the fixture has 7 rows (one per status).
    static func example(path: String, status: String, fixture: FilledDatabase) -> String? {
        let tx = Hex.encode(FilledDatabase.txHash(2))
        let unknown = "1337:0x\(String(repeating: "ab", count: 32)):0"
        let table: [String: String] = [
            "/v1/attestations 200": "/v1/attestations?limit=3", "/v1/attestations 400": "/v1/attestations?limit=999",
            "/v1/attestations/{id} 200": "/v1/attestations/\(fixture.ids[3])", "/v1/attestations/{id} 400": "/v1/attestations/nonsense",
            "/v1/attestations/{id} 404": "/v1/attestations/\(unknown)",
            "/v1/validators 200": "/v1/validators", "/v1/peers 200": "/v1/peers", "/v1/status 200": "/v1/status",
            "/v1/evidence 200": "/v1/evidence", "/v1/governor 200": "/v1/governor", "/v1/admin/proposals 200": "/v1/admin/proposals", "/v1/evidence 400": "/v1/evidence?before=zero",
            "/healthz 200": "/healthz", "/readyz 200": "/readyz", "/readyz 503": "/readyz",
            "/metrics 200": "/metrics", "/metrics 404": "/metrics", "/openapi.json 200": "/openapi.json",
            "/GetEthereumTransaction 200": "/GetEthereumTransaction?TransactionId=\(tx)",
            "/GetEthereumTransaction 400": "/GetEthereumTransaction?TransactionId=nothex",
            "/GetEthereumTransaction 404": "/GetEthereumTransaction?TransactionId=0x\(String(repeating: "cd", count: 32))",
            "/GetKoinosTransaction 200": "/GetKoinosTransaction?TransactionId=\(Hex.encode(FilledDatabase.koinosTransactionID))&OpId=1",
            "/GetKoinosTransaction 400": "/GetKoinosTransaction?TransactionId=0x1220",
            "/GetKoinosTransaction 404": "/GetKoinosTransaction?TransactionId=0x1220\(String(repeating: "cd", count: 32))",
            "/ 200": "/",
        ]
        return table["\(path) \(status)"]
    }

    @Test func everyDocumentedRouteAndStatusAnswersAsDocumented() async throws {
        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.documentPath))) as? [String: Any])
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: [String: Any]])
        let fixture = try FilledDatabase(count: 7)
        defer { fixture.remove() }
        try await fixture.insertKoinosLock()
        var checked = 0
        for (path, operations) in paths.sorted(by: { $0.key < $1.key }) {
            let get = try #require(operations["get"] as? [String: Any], "\(path) has no GET")
            let responses = try #require(get["responses"] as? [String: [String: Any]])
            for (status, response) in responses {
                let uri = try #require(Self.example(path: path, status: status, fixture: fixture), "no example request for \(path) \(status)")
                // Variants of the API for statuses that depend on configuration.
                let metricsOff = status == "404" && path == "/metrics"
                let metricsText: @Sendable () -> [UInt8] = { Array("m 1\n".utf8) }
                let exposition: (@Sendable () -> [UInt8])? = metricsOff ? nil : metricsText
                var api = fixture.api(metrics: exposition)
                if path == "/readyz" && status == "503" { api.readiness = [ReadinessCheck(name: "watcher") { false }] }
                let content = try #require(response["content"] as? [String: [String: Any]])
                let (contentType, media) = try #require(content.first)
                let alternatives = Self.requiredKeyAlternatives(media["schema"] as? [String: Any], schemas: schemas)
                let app = Application(router: api.buildRouter(logger: Logger(label: "test")))
                try await app.test(.router) { client in
                    try await client.execute(uri: uri, method: .get) { reply in
                        #expect(String(reply.status.code) == status, "\(uri)")
                        #expect(reply.headers[.contentType]?.hasPrefix(contentType) == true, "\(uri): \(reply.headers[.contentType] ?? "")")
                        guard contentType == "application/json" else { return }
                        let object = try JSONSerialization.jsonObject(with: Data(reply.body.readableBytesView))
                        let body = try #require(object as? [String: Any], "\(uri)")
                        let missing = alternatives.map { $0.filter { body[$0] == nil } }
                        #expect(missing.contains { $0.isEmpty }, "\(uri): documented keys missing: \(missing)")
                    }
                }
                checked += 1
            }
        }
        #expect(checked >= 20)
    }

    /// The required keys of each alternative of a `oneOf` schema (one alternative otherwise).
    static func requiredKeyAlternatives(_ schema: [String: Any]?, schemas: [String: [String: Any]]) -> [[String]] {
        guard let alternatives = schema?["oneOf"] as? [[String: Any]] else { return [requiredKeys(schema, schemas: schemas)] }
        return alternatives.map { requiredKeys($0, schemas: schemas) }
    }

    static func requiredKeys(_ schema: [String: Any]?, schemas: [String: [String: Any]]) -> [String] {
        guard var schema else { return [] }
        if let ref = schema["$ref"] as? String, let resolved = schemas[String(ref.split(separator: "/").last ?? "")] { schema = resolved }
        return schema["required"] as? [String] ?? []
    }

    @Test func servedDocumentIsTheCommittedOne() async throws {
        let fixture = try FilledDatabase(count: 1)
        defer { fixture.remove() }
        let committed = try Data(contentsOf: URL(fileURLWithPath: Self.documentPath))
        let app = Application(router: fixture.api().buildRouter(logger: Logger(label: "test")))
        try await app.test(.router) { client in
            try await client.execute(uri: "/openapi.json", method: .get) { reply in
                #expect(Data(reply.body.readableBytesView) == committed)
            }
        }
    }
}
