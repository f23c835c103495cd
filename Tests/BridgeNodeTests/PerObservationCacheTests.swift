// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeHTTPAPI
import BridgeStore
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

/// Rendered attestation views are invalidated per observation: a write to one observation leaves
/// the cached detail of another in place, a change the store cannot attribute (a delete, a large
/// transaction) invalidates every view, and list pages stay cached while nothing changed.
struct PerObservationCacheTests {
    func get(_ client: some TestClientProtocol, _ uri: String) async throws -> [String: Any] {
        try await client.execute(uri: uri, method: .get) { response in
            #expect(response.status == .ok)
            return try HTTPAPITests.json(response)
        }
    }

    @Test func aWriteToAnotherObservationKeepsTheCachedDetail() async throws {
        let fixture = try FilledDatabase(count: 7)
        defer { fixture.remove() }
        let (x, y) = (fixture.ids[2], fixture.ids[3])
        let store = ReadCountingStore(base: fixture.database)
        let app = Application(router: fixture.api(store: store).buildRouter(logger: HTTPAPITests.logger))
        try await app.test(.router) { client in
            #expect(try await get(client, "/v1/attestations/\(x)")["status"] as? String == "quorum")
            #expect(try await get(client, "/v1/attestations/\(x)")["status"] as? String == "quorum")
            #expect(store.detailReads == 1, "the second request was served from the cache")

            try await fixture.database.writer.write { db in
                try db.execute(sql: "UPDATE observation SET status = 'completed' WHERE id = ?", arguments: [y])
            }
            #expect(try await get(client, "/v1/attestations/\(x)")["status"] as? String == "quorum")
            #expect(store.detailReads == 1, "a write to another observation left the cached body valid")
            #expect(try await get(client, "/v1/attestations/\(y)")["status"] as? String == "completed")

            try await fixture.database.writer.write { db in
                try db.execute(sql: "UPDATE observation SET status = 'completed' WHERE id = ?", arguments: [x])
            }
            #expect(try await get(client, "/v1/attestations/\(x)")["status"] as? String == "completed")

            // A governor decision alone (no observation row changed) is part of the view too.
            #expect(try await get(client, "/v1/attestations/\(x)")["governor"] is NSNull)
            try await fixture.database.writer.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO governor_transfer (observation_id, token, amount, source_time_ms, effective_ms, decided_at_ms)
                        VALUES (?, ?, '100', 1, 1, 1)
                        """, arguments: [x, Data(repeating: 0xaa, count: 20)])
            }
            #expect(try await get(client, "/v1/attestations/\(x)")["governor"] is [String: Any])
        }
    }

    @Test func unattributedChangesInvalidateEveryView() async throws {
        let fixture = try FilledDatabase(count: 7)
        defer { fixture.remove() }
        let database = fixture.database
        let (x, y) = (fixture.ids[2], fixture.ids[3])
        let start = database.attestationGeneration(id: x)
        try await database.writer.write { db in try db.execute(sql: "UPDATE observation SET reason = 'r' WHERE id = ?", arguments: [y]) }
        #expect(database.attestationGeneration(id: x) == start)
        #expect(database.attestationGeneration(id: y) != start)

        // A delete cannot be mapped to its observation once the row is gone.
        try await database.writer.write { db in try db.execute(sql: "DELETE FROM signature WHERE observation_id = ?", arguments: [y]) }
        let afterDelete = database.attestationGeneration(id: x)
        #expect(afterDelete != start)

        // More rows than are mapped one by one: every view is invalidated without lookups.
        try await database.writer.write { db in
            for i in 0...BridgeDatabase.attestationRowsMappedPerCommit {
                try db.execute(
                    sql: "INSERT INTO signature (digest, validator, signature, observation_id, source, received_at_ms) VALUES (?, ?, ?, ?, 'gossip', 1)",
                    arguments: [Data(repeating: 1, count: 32), Data([UInt8(i & 0xff), UInt8(i >> 8)]), Data([1]), y])
            }
        }
        #expect(database.attestationGeneration(id: x) != afterDelete)

        // A rolled back transaction changes nothing.
        let settled = database.attestationGeneration(id: y)
        struct Abort: Error {}
        _ = try? await database.writer.write { db in
            try db.execute(sql: "UPDATE observation SET reason = 's' WHERE id = ?", arguments: [y])
            throw Abort()
        }
        #expect(database.attestationGeneration(id: y) == settled)
    }

    @Test func listPagesAreCachedUntilAnyChange() async throws {
        let fixture = try FilledDatabase(count: 7)
        defer { fixture.remove() }
        let store = ReadCountingStore(base: fixture.database)
        let app = Application(router: fixture.api(store: store).buildRouter(logger: HTTPAPITests.logger))
        try await app.test(.router) { client in
            let first = try await get(client, "/v1/attestations?limit=3")
            _ = try await get(client, "/v1/attestations?limit=3")
            #expect(store.listReads == 1)
            _ = try await get(client, "/v1/attestations?limit=2")
            #expect(store.listReads == 2, "another query string is another page")
            let newest = try #require((first["items"] as? [[String: Any]])?.first?["id"] as? String)
            try await fixture.database.writer.write { db in
                try db.execute(sql: "UPDATE observation SET status = 'expired' WHERE id = ?", arguments: [newest])
            }
            let after = try await get(client, "/v1/attestations?limit=3")
            #expect(store.listReads == 3)
            #expect((after["items"] as? [[String: Any]])?.first?["status"] as? String == "expired")
            try await client.execute(uri: "/v1/attestations?limit=0", method: .get) { #expect($0.status == .badRequest) }
        }
    }
}

/// The database, counting the detail and list reads that reach it.
final class ReadCountingStore: BridgeReadStore {
    let base: BridgeDatabase
    private let counts = Mutex((detail: 0, list: 0, koinos: 0))
    var detailReads: Int { counts.withLock { $0.detail } }
    var koinosReads: Int { counts.withLock { $0.koinos } }
    var listReads: Int { counts.withLock { $0.list } }

    init(base: BridgeDatabase) { self.base = base }

    func attestations(_ query: AttestationQuery) async throws -> AttestationPage {
        counts.withLock { $0.list += 1 }
        return try await base.attestations(query)
    }
    func attestation(id: String) async throws -> AttestationRecord? {
        counts.withLock { $0.detail += 1 }
        return try await base.attestation(id: id)
    }
    func koinosLock(_ id: KoinosLockID) async throws -> KoinosLockView? {
        counts.withLock { $0.koinos += 1 }
        return try await base.koinosLock(id)
    }
    func attestations(transactionHash: [UInt8]) async throws -> [AttestationRecord] { try await base.attestations(transactionHash: transactionHash) }
    func evidence(before: Int64?, limit: Int) async throws -> [EvidenceRecord] { try await base.evidence(before: before, limit: limit) }
    func heartbeats() async throws -> [HeartbeatRecord] { try await base.heartbeats() }
    func cursors() async throws -> [CursorRecord] { try await base.cursors() }
    func statusCounts() async throws -> [AttestationStatus: Int] { try await base.statusCounts() }
    func operatorOverview(nowMs: UInt64, completions: Int, hours: Int) async throws -> OperatorOverview {
        try await base.operatorOverview(nowMs: nowMs, completions: completions, hours: hours)
    }
    var attestationGeneration: UInt64? { base.attestationGeneration }
    func attestationGeneration(id: String) -> UInt64? { base.attestationGeneration(id: id) }
}
