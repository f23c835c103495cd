// SPDX-License-Identifier: Apache-2.0
import BridgeCore
@testable import BridgeHTTPAPI
import BridgeStore
import ChainCrypto
import Foundation
import GRDB
import NIOCore
import Testing

/// The Koinos lock's uncached detail path: the one-query read on the detail connection returns
/// the view the stages' three-query `koinosLock(_:)` returns, and the buffer renderer writes
/// exactly the bytes `JSONEncoder` (sorted keys) writes for it — for a signed v2 lock, the same
/// lock once the sender has sent and once the delivery completed, a v1 lock with text needing
/// escapes, and a rejected lock without digest or signatures.
struct KoinosAttestationRendererTests {
    static let tx = Hex.encode(FilledDatabase.koinosTransactionID)
    static let signed = KoinosLockID("koinos:\(tx):1")!
    static let v1 = KoinosLockID("koinos:\(tx):3")!
    static let rejected = KoinosLockID("koinos:\(tx):5")!

    /// The fixture's signed lock, plus two copies of its row (operation ids 3 and 5) changed into
    /// a v1 lock and a rejected one; a stale signature of an older digest that must not show.
    static func fixture() async throws -> FilledDatabase {
        let fixture = try FilledDatabase(count: 1)
        let record = try await fixture.insertKoinosLock()
        let digest = try #require(record.digest)
        try await fixture.database.writer.write { db in
            for (id, op) in [(v1, 3), (rejected, 5)] {
                try db.execute(sql: "CREATE TEMP TABLE lock_copy AS SELECT * FROM koinos_observation WHERE id = ?", arguments: [signed.description])
                try db.execute(sql: "UPDATE lock_copy SET id = ?, operation_id = ?", arguments: [id.description, op])
                try db.execute(sql: "INSERT INTO koinos_observation SELECT * FROM lock_copy")
                try db.execute(sql: "DROP TABLE lock_copy")
            }
            try db.execute(
                sql: "UPDATE koinos_observation SET profile = 'v1', metadata = ?, recipient = ?, reason = ? WHERE id = ?",
                arguments: ["v1 \"metadata\"", "0x4C\u{7F}", "q\"uote\\ back/slash \n\t\r\u{08}\u{0C}\u{01}\u{1F} é → 🙂", v1.description])
            try db.execute(
                sql: """
                    UPDATE koinos_observation SET status = 'rejected', reason = 'unknown token', digest = NULL, message = NULL,
                    eth_token = NULL, expiration = NULL WHERE id = ?
                    """, arguments: [rejected.description])
            var older = digest
            older[0] ^= 0xff
            try db.execute(
                sql: "INSERT INTO koinos_signature (digest, validator, observation_id, signature, own, received_at_ms) VALUES (?, ?, ?, ?, 0, 1)",
                arguments: [Data(older), Data(repeating: 0x01, count: 20), signed.description, Data(repeating: 0x02, count: 65)])
        }
        return fixture
    }

    static func expectSameViewAndBytes(_ fixture: FilledDatabase, _ id: KoinosLockID, signatures: Int) async throws {
        let detail = try #require(try await fixture.database.koinosLockDetail(id))
        let staged = try await fixture.database.koinosLock(id)
        #expect(detail == staged, "\(id)")
        #expect(detail.signatures.count == signatures, "\(id)")
        let json = KoinosAttestationJSON(detail)
        let rendered = KoinosAttestationRenderer.render(json)
        let encoded = try #require(JSONResponse.encode(json))
        #expect(rendered == encoded, "\(id):\n\(String(buffer: rendered))\n\(String(buffer: encoded))")
    }

    @Test func theOneQueryReadEqualsTheStagesReadAndRendersTheEncodersBytes() async throws {
        let fixture = try await Self.fixture()
        defer { fixture.remove() }
        try await Self.expectSameViewAndBytes(fixture, Self.signed, signatures: 3)
        try await Self.expectSameViewAndBytes(fixture, Self.v1, signatures: 3)
        try await Self.expectSameViewAndBytes(fixture, Self.rejected, signatures: 0)
        #expect(try await fixture.database.koinosLockDetail(KoinosLockID("koinos:\(Self.tx):2")!) == nil)

        // Sent twice (the latest hash shows), then completed (the completing one).
        let first = [UInt8](repeating: 0xe1, count: 32), second = [UInt8](repeating: 0xe2, count: 32)
        try await fixture.database.writer.write { db in
            try db.execute(sql: """
                INSERT INTO ethereum_delivery (transfer_id, status, transaction_hashes, max_fee_per_gas, max_priority_fee_per_gas,
                attempts, updated_at_ms) VALUES (?, 'sent', ?, 1, 1, 2, 9600)
                """, arguments: [Self.signed.description, Data(first + second)])
        }
        try await Self.expectSameViewAndBytes(fixture, Self.signed, signatures: 3)
        #expect(try await fixture.database.koinosLockDetail(Self.signed)?.ethereumTransaction == second)
        try await fixture.database.writer.write { db in
            try db.execute(sql: "UPDATE ethereum_delivery SET status = 'completed', completing_transaction = ? WHERE transfer_id = ?",
                           arguments: [Data(first), Self.signed.description])
        }
        try await Self.expectSameViewAndBytes(fixture, Self.signed, signatures: 3)
        let completed = try #require(try await fixture.database.koinosLockDetail(Self.signed))
        #expect(completed.ethereumTransaction == first && completed.ethereumCompletion == first)
    }

    @Test func theDetailConnectionSeesEveryCommittedWrite() async throws {
        let fixture = try await Self.fixture()
        defer { fixture.remove() }
        #expect(try await fixture.database.koinosLockDetail(Self.signed)?.status == "quorum")
        for status in ["submitted", "completed"] {
            try await fixture.database.writer.write { db in
                try db.execute(sql: "UPDATE koinos_observation SET status = ? WHERE id = ?", arguments: [status, Self.signed.description])
            }
            #expect(try await fixture.database.koinosLockDetail(Self.signed)?.status == status)
        }
    }
}
