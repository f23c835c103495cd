// SPDX-License-Identifier: Apache-2.0
import BridgeHTTPAPI
import BridgeStore
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Testing

/// `/v1/attestations/{id}` keeps rendered bodies only while nothing the view shows has changed.
struct RenderedResponseCacheTests {
    func status(_ client: some TestClientProtocol, _ id: String) async throws -> String? {
        try await client.execute(uri: "/v1/attestations/\(id)", method: .get) { response in
            #expect(response.status == .ok)
            return try HTTPAPITests.json(response)["status"] as? String
        }
    }

    @Test func aCommittedChangeIsServedOnTheNextRequest() async throws {
        let fixture = try FilledDatabase(count: 7)
        defer { fixture.remove() }
        let id = fixture.ids[2]  // quorum
        let app = Application(router: fixture.api().buildRouter(logger: HTTPAPITests.logger))
        try await app.test(.router) { client in
            #expect(try await status(client, id) == "quorum")
            #expect(try await status(client, id) == "quorum")  // served from the cache
            try await fixture.database.writer.write { db in
                try db.execute(sql: "UPDATE observation SET status = 'completed' WHERE id = ?", arguments: [id])
            }
            #expect(try await status(client, id) == "completed")
            try await fixture.database.writer.write { db in
                try db.execute(sql: "DELETE FROM signature WHERE observation_id = ?", arguments: [id])
            }
            let signatures = try await client.execute(uri: "/v1/attestations/\(id)", method: .get) { response in
                try HTTPAPITests.json(response)["signatures"] as? [Any]
            }
            #expect(signatures?.isEmpty == true)
        }
    }

    @Test func generationMovesOnlyForAttestationTablesAndOnlyOnCommit() async throws {
        let fixture = try FilledDatabase(count: 1)
        defer { fixture.remove() }
        let database = fixture.database
        let start = try #require(database.attestationGeneration)
        try await database.writer.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO cursor (name, block_number, updated_at_ms) VALUES ('test', 5, 1)")
        }
        #expect(database.attestationGeneration == start)
        struct Abort: Error {}
        _ = try? await database.writer.write { db in
            try db.execute(sql: "UPDATE observation SET status = 'expired'")
            throw Abort()
        }
        #expect(database.attestationGeneration == start)
        try await database.writer.write { db in try db.execute(sql: "UPDATE observation SET status = 'expired'") }
        #expect(database.attestationGeneration == start + 1)
    }
}
