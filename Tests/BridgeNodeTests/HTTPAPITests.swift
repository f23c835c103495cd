// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeHTTPAPI
import BridgeStore
import ChainCrypto
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus
import Testing

/// The inspection API against a real SQLite database, through Hummingbird's router test client.
struct HTTPAPITests {
    static let logger = Logger(label: "test")

    static func json(_ response: TestResponse) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))
        return try #require(object as? [String: Any])
    }

    func withApp(_ fixture: FilledDatabase, _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = Application(router: fixture.api().buildRouter(logger: Self.logger))
        try await app.test(.router) { client in try await body(client) }
    }

    @Test func listPagesNewestFirstWithBoundedLimit() async throws {
        let fixture = try FilledDatabase(count: 12)
        defer { fixture.remove() }
        let expected = Array(fixture.ids.reversed())
        try await withApp(fixture) { client in
            var seen: [String] = []
            var cursor: String?
            for _ in 0..<10 {
                let uri = "/v1/attestations?limit=5" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try await client.execute(uri: uri, method: .get) { try Self.json($0) }
                let items = try #require(page["items"] as? [[String: Any]])
                #expect(items.count <= 5)
                seen += items.compactMap { $0["id"] as? String }
                cursor = page["next_cursor"] as? String
                if cursor == nil { break }
            }
            #expect(seen == expected)
        }
    }

    @Test func filtersSelectMatchingRows() async throws {
        let fixture = try FilledDatabase(count: 14)
        defer { fixture.remove() }
        let recipient = fixture.addresses[1].base58
        try await withApp(fixture) { client in
            let quorum = try await client.execute(uri: "/v1/attestations?status=quorum", method: .get) { try Self.json($0) }
            let quorumItems = try #require(quorum["items"] as? [[String: Any]])
            #expect(quorumItems.count == 2)
            #expect(quorumItems.allSatisfy { $0["status"] as? String == "quorum" })

            let tokenHex = Hex.encode(FilledDatabase.tokenB)
            let byToken = try await client.execute(uri: "/v1/attestations?token=\(tokenHex)&limit=200", method: .get) { try Self.json($0) }
            #expect((byToken["items"] as? [[String: Any]])?.count == 7)

            let byKoinosToken = try await client.execute(uri: "/v1/attestations?token=\(fixture.koinosToken.base58)", method: .get) { try Self.json($0) }
            #expect((byKoinosToken["items"] as? [[String: Any]])?.count == 14)

            let byRecipient = try await client.execute(uri: "/v1/attestations?recipient=\(recipient)", method: .get) { try Self.json($0) }
            let recipientItems = try #require(byRecipient["items"] as? [[String: Any]])
            #expect(recipientItems.count == 5)
            #expect(recipientItems.allSatisfy { ($0["observation"] as? [String: Any])?["recipient"] as? String == recipient })

            let tx = Hex.encode(FilledDatabase.txHash(3))
            let bySource = try await client.execute(uri: "/v1/attestations?source_tx=\(tx)", method: .get) { try Self.json($0) }
            let sourceItems = try #require(bySource["items"] as? [[String: Any]])
            #expect(sourceItems.map { $0["id"] as? String } == [fixture.ids[3]])
        }
    }

    @Test func detailCarriesEveryDocumentedFieldAndRecoveredSigners() async throws {
        let fixture = try FilledDatabase(count: 7)
        defer { fixture.remove() }
        let id = fixture.ids[4]  // completed: three signatures and a submission
        try await withApp(fixture) { client in
            let body = try await client.execute(uri: "/v1/attestations/\(id)", method: .get) { response in
                #expect(response.status == .ok)
                return try Self.json(response)
            }
            #expect(body["id"] as? String == id)
            #expect(body["profile"] as? String == "v2")
            #expect(body["status"] as? String == "completed")
            #expect((body["digest"] as? String)?.count == 66)
            let observation = try #require(body["observation"] as? [String: Any])
            for key in ["chain_id", "tx_hash", "log_index", "block_number", "token", "sender", "amount", "recipient", "relayer",
                        "payment", "metadata", "koinos_token", "koinos_contract", "expiration"] {
                #expect(observation[key] != nil, "observation.\(key) missing")
            }
            #expect(observation["amount"] as? String == "100004")
            #expect(observation["koinos_token"] as? String == fixture.koinosToken.base58)
            let signatures = try #require(body["signatures"] as? [[String: Any]])
            #expect(signatures.count == 3)
            for s in signatures {
                #expect(s["recovered"] as? String == s["validator"] as? String)
                #expect(s["valid"] as? Bool == true)
                let sig = try #require(s["signature"] as? String)
                #expect(sig.count == 88 && sig.hasSuffix("=") && !sig.contains("+") && !sig.contains("/"))
            }
            let quorum = try #require(body["quorum"] as? [String: Any])
            #expect(quorum["required"] as? Int == 2 && quorum["have"] as? Int == 3 && quorum["reached"] as? Bool == true)
            let submission = try #require(body["submission"] as? [String: Any])
            #expect(submission["status"] as? String == "completed")
            #expect((submission["koinos_tx_id"] as? String)?.hasPrefix("0x1220") == true)
        }
    }

    @Test(arguments: [
        ("/v1/attestations/1337:0x00:0", 400), ("/v1/attestations/garbage", 400),
        ("/v1/attestations/1337:0x\(String(repeating: "ab", count: 32)):0", 404),
        ("/v1/attestations?limit=0", 400), ("/v1/attestations?limit=201", 400), ("/v1/attestations?limit=x", 400),
        ("/v1/attestations?colour=red", 400), ("/v1/attestations?status=done", 400), ("/v1/attestations?token=0x12", 400),
        ("/v1/attestations?source_tx=0xzz", 400), ("/v1/attestations?cursor=nope", 400), ("/v1/evidence?before=-1", 400),
        ("/v1/evidence?x=1", 400), ("/GetEthereumTransaction", 400), ("/GetEthereumTransaction?TransactionId=0x1", 400),
        ("/GetEthereumTransaction?TransactionId=0x\(String(repeating: "ab", count: 32))", 404), ("/no/such/route", 404),
    ])
    func clientMistakesAre4xxWithErrorAndDetail(uri: String, status: Int) async throws {
        let fixture = try FilledDatabase(count: 2)
        defer { fixture.remove() }
        try await withApp(fixture) { client in
            try await client.execute(uri: uri, method: .get) { response in
                #expect(response.status.code == status, "\(uri)")
                let body = try Self.json(response)
                #expect(body["error"] is String && body["detail"] is String, "\(uri): \(body)")
            }
        }
    }

    @Test func corsAllowsGetsFromAnyOrigin() async throws {
        let fixture = try FilledDatabase(count: 1)
        defer { fixture.remove() }
        try await withApp(fixture) { client in
            try await client.execute(uri: "/v1/status", method: .get, headers: [.origin: "https://bridge.example"]) { response in
                #expect(response.headers[.accessControlAllowOrigin] == "*")
            }
            try await client.execute(uri: "/v1/attestations?limit=0", method: .get, headers: [.origin: "https://bridge.example"]) { response in
                #expect(response.status == .badRequest)
                #expect(response.headers[.accessControlAllowOrigin] == "*")
            }
            try await client.execute(
                uri: "/v1/attestations", method: .options,
                headers: [.origin: "https://bridge.example", .accessControlRequestMethod: "GET"]
            ) { response in
                #expect(response.status == .noContent)
                #expect(response.headers[.accessControlAllowMethods]?.contains("GET") == true)
            }
        }
    }

    @Test func validatorsStatusPeersEvidence() async throws {
        let fixture = try FilledDatabase(count: 7)
        defer { fixture.remove() }
        try await withApp(fixture) { client in
            let validators = try await client.execute(uri: "/v1/validators", method: .get) { try Self.json($0) }
            let list = try #require(validators["validators"] as? [[String: Any]])
            #expect(list.count == 3)
            #expect(list.allSatisfy { $0["koinos_address"] is String && $0["ethereum_address"] is String && $0["peer_id"] is String })
            #expect(list[0]["self"] as? Bool == true)
            #expect(list[1]["lag_blocks"] as? Int == 10)  // our cursor 500, its heartbeat 490

            let status = try await client.execute(uri: "/v1/status", method: .get) { try Self.json($0) }
            let counts = try #require(status["attestations"] as? [String: Int])
            // One row per status of the fixture; none `delayed` (no governor in it).
            #expect(counts.count == 8 && counts["delayed"] == 0 && counts.filter { $0.key != "delayed" }.values.allSatisfy { $0 == 1 })
            #expect((status["peers"] as? [String: Int])?["connected"] == 1)

            let peers = try await client.execute(uri: "/v1/peers", method: .get) { try Self.json($0) }
            #expect((peers["peers"] as? [[String: Any]])?.first?["connected"] as? Bool == true)

            let evidence = try await client.execute(uri: "/v1/evidence", method: .get) { try Self.json($0) }
            let items = try #require(evidence["items"] as? [[String: Any]])
            #expect(items.count == 1 && items[0]["validator"] as? String == fixture.addresses[2].base58)
        }
    }

    @Test func getEthereumTransactionHasTheOldValidatorsShape() async throws {
        let fixture = try FilledDatabase(count: 7)
        defer { fixture.remove() }
        let tx = Hex.encode(FilledDatabase.txHash(2))  // quorum → "signed"
        try await withApp(fixture) { client in
            try await client.execute(uri: "/GetEthereumTransaction?TransactionId=\(tx)", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.accessControlAllowOrigin] == "*")
                let body = try Self.json(response)
                for key in ["type", "id", "opId", "blockNumber", "blockTime", "expiration", "from", "ethToken", "koinosToken", "amount",
                            "recipient", "hash", "validators", "signatures", "status", "completionTransactionId",
                            "payment", "relayer", "metadata", "toChain"] {
                    #expect(body[key] != nil, "\(key) missing")
                }
                #expect(body["type"] as? String == "ethereum")
                #expect(body["id"] as? String == tx)
                #expect(body["status"] as? String == "signed")
                #expect(body["blockNumber"] as? String == "102")  // uint64 as a string
                #expect(body["expiration"] as? String == "5000002")
                #expect((body["validators"] as? [String])?.count == 3)
                #expect((body["hash"] as? String)?.hasSuffix("=") == true)
            }
        }
    }

    @Test func metricsServePrometheusText() async throws {
        let fixture = try FilledDatabase(count: 1)
        defer { fixture.remove() }
        let registry = PrometheusCollectorRegistry()
        registry.makeCounter(name: "bridge_eth_logs_total", labels: [], help: "logs").increment(by: Int64(3))
        let app = Application(router: fixture.api(metrics: { registry.emitToBuffer() }).buildRouter(logger: Self.logger))
        try await app.test(.router) { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
                let text = String(buffer: response.body)
                #expect(text.contains("# TYPE bridge_eth_logs_total counter"))
                #expect(text.contains("bridge_eth_logs_total 3"))
            }
        }
    }

    @Test func homePageListsRecentAttestationsWithLinks() async throws {
        let fixture = try FilledDatabase(count: 3)
        defer { fixture.remove() }
        try await withApp(fixture) { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
                let html = String(buffer: response.body)
                for id in fixture.ids { #expect(html.contains("href=\"/attestations/\(id)\"")) }
                #expect(html.contains(" 3/2</span>") && html.contains(" 0/2</span>"))
            }
        }
    }
}
