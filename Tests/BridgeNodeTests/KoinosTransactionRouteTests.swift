// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeHTTPAPI
import BridgeStore
import ChainCrypto
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// `GET /GetKoinosTransaction` against a real SQLite store holding a lock judged, signed and
/// gathered to quorum by the Koinos → Ethereum code: the old validator's shape, field by field.
struct KoinosTransactionRouteTests {
    static func get(_ fixture: FilledDatabase, _ uri: String) async throws -> (status: Int, body: [String: Any], cors: String?) {
        let app = Application(router: fixture.api().buildRouter(logger: Logger(label: "test")))
        return try await app.test(.router) { client in
            try await client.execute(uri: uri, method: .get) { response in
                let object = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))
                return (Int(response.status.code), object as? [String: Any] ?? [:], response.headers[.accessControlAllowOrigin])
            }
        }
    }

    @Test func answersInTheOldValidatorsShapeFieldByField() async throws {
        let fixture = try FilledDatabase(count: 1)
        defer { fixture.remove() }
        let record = try await fixture.insertKoinosLock()
        let digest = try #require(record.digest)
        let tx = Hex.encode(FilledDatabase.koinosTransactionID)
        for uri in ["/GetKoinosTransaction?TransactionId=\(tx)&OpId=1", "/GetKoinosTransaction?TransactionId=\(tx)"] {
            let (status, body, cors) = try await Self.get(fixture, uri)
            #expect(status == 200 && cors == "*", "\(uri)")
            let validators = fixture.keys.prefix(3).map { EthereumAddress(publicKey: $0.publicKey) }
                .sorted { $0.bytes.lexicographicallyPrecedes($1.bytes) }.map(\.checksummed)
            let expected: [String: Any] = [
                "type": "koinos", "id": tx, "opId": "1", "blockNumber": "4242", "blockTime": "1700000000000",
                "expiration": "1700003600000", "from": fixture.addresses[1].base58,
                "ethToken": EthereumAddress(bytes: FilledDatabase.koinosLockEthToken)!.checksummed, "koinosToken": fixture.koinosToken.base58,
                "amount": "250000", "payment": "10", "relayer": FilledDatabase.koinosLockRelayer, "recipient": FilledDatabase.koinosLockRecipient,
                "hash": Hex.encode(digest), "metadata": "claim", "validators": validators, "status": "signed",
                "completionTransactionId": "", "toChain": "1",
            ]
            #expect(Set(body.keys) == Set(expected.keys).union(["signatures"]), "\(body.keys.sorted())")
            for (key, value) in expected {
                if let list = value as? [String] {
                    #expect(body[key] as? [String] == list, "\(key)")
                } else {
                    #expect(body[key] as? String == value as? String, "\(key): \(body[key] ?? "nil")")
                }
            }
            let signatures = try #require(body["signatures"] as? [String])
            #expect(signatures.count == 3)
            let recovered = signatures.compactMap { ChainHex.decode($0) }.compactMap { EthereumSignature.recoverAddress(digest: digest, signature: $0)?.checksummed }
            #expect(recovered == validators, "each 0x 65-byte signature recovers to the validator listed at its index")
        }
    }

    @Test func mistakesAndUnknownLocksAnswer4xx() async throws {
        let fixture = try FilledDatabase(count: 1)
        defer { fixture.remove() }
        try await fixture.insertKoinosLock(signers: 1)
        let tx = Hex.encode(FilledDatabase.koinosTransactionID)
        let cases: [(String, Int)] = [
            ("/GetKoinosTransaction", 400), ("/GetKoinosTransaction?TransactionId=0x1220", 400),
            ("/GetKoinosTransaction?TransactionId=\(tx)&OpId=-1", 400), ("/GetKoinosTransaction?TransactionId=\(tx)&OpId=4294967296", 400),
            ("/GetKoinosTransaction?TransactionId=\(tx)&OpId=2", 404),
            ("/GetKoinosTransaction?TransactionId=0x1220\(String(repeating: "00", count: 32))", 404),
        ]
        for (uri, expected) in cases {
            let (status, body, _) = try await Self.get(fixture, uri)
            #expect(status == expected, "\(uri)")
            #expect(body["error"] is String && body["detail"] is String, "\(uri): \(body)")
        }
        let (status, body, _) = try await Self.get(fixture, "/GetKoinosTransaction?TransactionId=\(tx)")
        #expect(status == 200 && body["status"] as? String == "gathering_signatures" && (body["signatures"] as? [String])?.count == 1)
    }

    @Test func theListCarriesADirectionAndFiltersByIt() async throws {
        let fixture = try FilledDatabase(count: 3)
        defer { fixture.remove() }
        let record = try await fixture.insertKoinosLock()
        let digest = try #require(record.digest)
        let (_, first, _) = try await Self.get(fixture, "/v1/attestations?direction=ethereum_to_koinos")
        let firstItems = try #require(first["items"] as? [[String: Any]])
        #expect(firstItems.count == 3 && firstItems.allSatisfy { $0["direction"] as? String == "ethereum_to_koinos" })
        let (_, all, _) = try await Self.get(fixture, "/v1/attestations")
        #expect((all["items"] as? [[String: Any]])?.count == 3)  // the default list is the first direction's

        let (status, body, _) = try await Self.get(fixture, "/v1/attestations?direction=koinos_to_ethereum&limit=5")
        #expect(status == 200 && body["limit"] as? Int == 5 && body["next_cursor"] is NSNull)
        let items = try #require(body["items"] as? [[String: Any]])
        let item = try #require(items.first)
        #expect(items.count == 1)
        #expect(item["direction"] as? String == "koinos_to_ethereum" && item["status"] as? String == "quorum")
        #expect(item["id"] as? String == record.observation.id.description && item["digest"] as? String == Hex.encode(digest))
        let observation = try #require(item["observation"] as? [String: Any])
        #expect(observation["tx_id"] as? String == Hex.encode(FilledDatabase.koinosTransactionID))
        #expect(observation["operation_id"] as? Int == 1 && observation["block_height"] as? Int == 4242)
        #expect(observation["token"] as? String == fixture.koinosToken.base58)
        #expect(observation["eth_token"] as? String == EthereumAddress(bytes: FilledDatabase.koinosLockEthToken)!.checksummed)
        #expect(observation["recipient"] as? String == FilledDatabase.koinosLockRecipient && observation["amount"] as? String == "250000")
        #expect(observation["expiration"] as? Int == 1_700_003_600_000)
        #expect(observation["relayer"] as? String == FilledDatabase.koinosLockRelayer && observation["payment"] as? String == "10")
        #expect(observation["metadata"] as? String == "claim")
        let signatures = try #require(item["signatures"] as? [[String: String]])
        #expect(signatures.count == 3)
        for s in signatures {
            let bytes = try #require(ChainHex.decode(s["signature"] ?? ""))
            #expect(bytes.count == 65 && EthereumSignature.recoverAddress(digest: digest, signature: bytes)?.checksummed == s["validator"])
        }
        #expect((item["submission"] as? [String: Any])?["ethereum_tx_hash"] is NSNull)

        let (none, empty, _) = try await Self.get(fixture, "/v1/attestations?direction=koinos_to_ethereum&status=completed")
        #expect(none == 200 && (empty["items"] as? [Any])?.isEmpty == true)
        for uri in ["/v1/attestations?direction=sideways", "/v1/attestations?direction=koinos_to_ethereum&token=0x12",
                    "/v1/attestations?direction=koinos_to_ethereum&status=done"] {
            let (code, error, _) = try await Self.get(fixture, uri)
            #expect(code == 400 && error["detail"] is String, "\(uri)")
        }
    }
}
