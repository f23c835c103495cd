// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeHTTPAPI
import BridgeStore
import ChainCrypto
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Testing

/// `GET /v1/attestations/koinos:0x…:n` against a real SQLite store holding a lock judged, signed
/// and gathered to quorum by the Koinos → Ethereum code: field by field, 404/400 in the error
/// shape, the list's link to it, and its cached body invalidated by Koinos-side writes.
struct KoinosAttestationDetailTests {
    static func get(_ client: some TestClientProtocol, _ uri: String) async throws -> (status: Int, body: [String: Any]) {
        try await client.execute(uri: uri, method: .get) { response in
            let object = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))
            return (Int(response.status.code), object as? [String: Any] ?? [:])
        }
    }

    static var lockID: String { "koinos:\(Hex.encode(FilledDatabase.koinosTransactionID)):1" }

    @Test func theDetailOfAKoinosLockFieldByField() async throws {
        let fixture = try FilledDatabase(count: 2)
        defer { fixture.remove() }
        let record = try await fixture.insertKoinosLock()
        let digest = try #require(record.digest)
        let app = Application(router: fixture.api().buildRouter(logger: HTTPAPITests.logger))
        try await app.test(.router) { client in
            let (status, body) = try await Self.get(client, "/v1/attestations/\(Self.lockID)")
            #expect(status == 200)
            #expect(body["id"] as? String == Self.lockID && body["direction"] as? String == "koinos_to_ethereum")
            #expect(body["profile"] as? String == "v2" && body["status"] as? String == "quorum" && body["reason"] is NSNull)
            #expect(body["digest"] as? String == Hex.encode(digest))
            #expect(body["created_at_ms"] as? Int == 9_000 && (body["updated_at_ms"] as? Int ?? 0) >= 9_000)
            #expect((body["links"] as? [String: String])?["self"] == "/v1/attestations/\(Self.lockID)")
            let o = try #require(body["observation"] as? [String: Any])
            #expect(o["tx_id"] as? String == Hex.encode(FilledDatabase.koinosTransactionID))
            #expect(o["operation_id"] as? Int == 1 && o["block_height"] as? Int == 4242 && o["block_time_ms"] as? Int == 1_700_000_000_000)
            #expect(o["sender"] as? String == fixture.addresses[1].base58 && o["token"] as? String == fixture.koinosToken.base58)
            #expect(o["eth_token"] as? String == EthereumAddress(bytes: FilledDatabase.koinosLockEthToken)!.checksummed)
            #expect(o["recipient"] as? String == FilledDatabase.koinosLockRecipient && o["amount"] as? String == "250000")
            #expect(o["expiration"] as? Int == 1_700_003_600_000)
            #expect(o["relayer"] as? String == FilledDatabase.koinosLockRelayer && o["payment"] as? String == "10" && o["metadata"] as? String == "claim")
            let signatures = try #require(body["signatures"] as? [[String: String]])
            let expected = fixture.keys.prefix(3).map { EthereumAddress(publicKey: $0.publicKey) }
                .sorted { $0.bytes.lexicographicallyPrecedes($1.bytes) }.map(\.checksummed)
            #expect(signatures.map { $0["validator"] ?? "" } == expected)
            for s in signatures {
                let text = try #require(s["signature"])
                let bytes = try #require(ChainHex.decode(text))
                #expect(text.hasPrefix("0x") && bytes.count == 65)
                #expect(EthereumSignature.recoverAddress(digest: digest, signature: bytes)?.checksummed == s["validator"])
            }
            #expect((body["submission"] as? [String: Any])?["ethereum_tx_hash"] is NSNull)

            // The list names the same id and links to this body.
            let (_, list) = try await Self.get(client, "/v1/attestations?direction=koinos_to_ethereum")
            let item = try #require((list["items"] as? [[String: Any]])?.first)
            #expect(item["id"] as? String == Self.lockID)
            #expect((item["links"] as? [String: String])?["self"] == "/v1/attestations/\(Self.lockID)")

            // The Ethereum transaction once the sender has sent one.
            let hash = [UInt8](repeating: 0xe1, count: 32)
            try await fixture.database.writer.write { db in
                try db.execute(sql: """
                    INSERT INTO ethereum_delivery (transfer_id, status, transaction_hashes, max_fee_per_gas, max_priority_fee_per_gas,
                    attempts, updated_at_ms) VALUES (?, 'sent', ?, 1, 1, 1, 9600)
                    """, arguments: [Self.lockID, Data(hash)])
            }
            let (_, sent) = try await Self.get(client, "/v1/attestations/\(Self.lockID)")
            #expect((sent["submission"] as? [String: Any])?["ethereum_tx_hash"] as? String == Hex.encode(hash))
        }
    }

    @Test func unknownLocksAre404AndMalformedIds400InTheErrorShape() async throws {
        let fixture = try FilledDatabase(count: 1)
        defer { fixture.remove() }
        try await fixture.insertKoinosLock()
        let tx = Hex.encode(FilledDatabase.koinosTransactionID)
        let app = Application(router: fixture.api().buildRouter(logger: HTTPAPITests.logger))
        try await app.test(.router) { client in
            let cases: [(String, Int)] = [
                ("koinos:\(tx):2", 404), ("koinos:0x1220\(String(repeating: "cd", count: 32)):1", 404),
                ("koinos:0x1220:1", 400), ("koinos:\(tx):-1", 400), ("koinos:\(tx):4294967296", 400), ("koinos:\(tx)", 400),
                ("koinos:\(String(tx.dropFirst(2))):1", 400), ("kinos:\(tx):1", 400),
            ]
            for (id, expected) in cases {
                let (status, body) = try await Self.get(client, "/v1/attestations/\(id)")
                #expect(status == expected, "\(id)")
                #expect(body["error"] as? String == (expected == 404 ? "not_found" : "bad_request") && body["detail"] is String, "\(id): \(body)")
            }
            // Upper-case hex names the same lock.
            let (status, body) = try await Self.get(client, "/v1/attestations/koinos:0x\(tx.dropFirst(2).uppercased()):1")
            #expect(status == 200 && body["id"] as? String == Self.lockID)
        }
    }

    @Test func koinosSideWritesInvalidateTheCachedDetail() async throws {
        let fixture = try FilledDatabase(count: 3)
        defer { fixture.remove() }
        let record = try await fixture.insertKoinosLock(signers: 2)
        let digest = try #require(record.digest)
        let store = ReadCountingStore(base: fixture.database)
        let app = Application(router: fixture.api(store: store).buildRouter(logger: HTTPAPITests.logger))
        let path = "/v1/attestations/\(Self.lockID)"
        try await app.test(.router) { client in
            let first = try await Self.get(client, path).body
            #expect((first["signatures"] as? [Any])?.count == 2 && first["status"] as? String != "completed")
            #expect(try await Self.get(client, path).body["status"] as? String == first["status"] as? String)
            #expect(store.koinosReads == 1, "the second request was served from the cache")

            // A write to a first-direction observation leaves the lock's body valid.
            try await fixture.database.writer.write { db in
                try db.execute(sql: "UPDATE observation SET status = 'completed' WHERE id = ?", arguments: [fixture.ids[1]])
            }
            _ = try await Self.get(client, path)
            #expect(store.koinosReads == 1)

            // A third signature arrives (koinos_signature only).
            let third = try EthereumSignature.sign(digest: digest, key: fixture.keys[2])
            try await fixture.database.writer.write { db in
                try db.execute(sql: """
                    INSERT INTO koinos_signature (digest, validator, observation_id, signature, own, received_at_ms) VALUES (?, ?, ?, ?, 0, 9700)
                    """, arguments: [Data(digest), Data(EthereumAddress(publicKey: fixture.keys[2].publicKey).bytes), Self.lockID, Data(third)])
            }
            #expect((try await Self.get(client, path).body["signatures"] as? [Any])?.count == 3)
            #expect(store.koinosReads == 2)

            // The lock row itself.
            try await fixture.database.writer.write { db in
                try db.execute(sql: "UPDATE koinos_observation SET status = 'completed' WHERE id = ?", arguments: [Self.lockID])
            }
            #expect(try await Self.get(client, path).body["status"] as? String == "completed")

            // Its Ethereum delivery alone.
            try await fixture.database.writer.write { db in
                try db.execute(sql: """
                    INSERT INTO ethereum_delivery (transfer_id, status, transaction_hashes, max_fee_per_gas, max_priority_fee_per_gas,
                    attempts, updated_at_ms) VALUES (?, 'sent', ?, 1, 1, 1, 9600)
                    """, arguments: [Self.lockID, Data(repeating: 0xe2, count: 32)])
            }
            let submission = try await Self.get(client, path).body["submission"] as? [String: Any]
            #expect(submission?["ethereum_tx_hash"] as? String == Hex.encode([UInt8](repeating: 0xe2, count: 32)))
            #expect(store.koinosReads == 4)
        }
    }
}
