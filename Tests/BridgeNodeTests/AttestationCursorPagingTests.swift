// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeHTTPAPI
import BridgeStore
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Testing

/// `/v1/attestations` paging with `next_cursor` / `?cursor=` in both directions while transfers
/// are inserted between and during the page reads (real SQLite): every transfer stored before the
/// first page is listed exactly once, nothing is repeated, and cursors the API did not hand out are 400.
struct AttestationCursorPagingTests {
    /// A Koinos lock row (rejected: no message needed) with a distinct transaction id per `n`.
    static func koinosLock(_ n: Int) -> KoinosLockRecord {
        let tx: [UInt8] = [0x12, 0x20] + [UInt8](repeating: 0x77, count: 28) + [UInt8(n >> 8 & 0xff), UInt8(n & 0xff), 0, 1]
        let observation = KoinosLockObservation(
            id: KoinosLockID(transactionID: tx, operationID: UInt32(n % 3 + 1)), profile: .v1, blockHeight: UInt64(100 + n),
            blockID: [0x12, 0x20] + [UInt8](repeating: 0x0b, count: 32), blockTimeMs: 1, sender: [UInt8](repeating: 1, count: 25),
            token: [UInt8](repeating: 2, count: 25), amount: "\(n)", payment: "0", recipient: "0x" + String(repeating: "4c", count: 20),
            relayer: "", metadata: "", destinationChain: 0)
        return KoinosLockRecord(observation: observation, status: .rejected, reason: "test lock \(n)")
    }

    static func storeKoinosLocks(_ numbers: some Sequence<Int>, atMs: UInt64, in database: BridgeDatabase) async throws {
        _ = try await SQLiteKoinosLockStore(database).commitKoinosScan(
            cursor: "paging", to: KoinosScanCursor(nextHeight: 1, previousBlockID: []), records: numbers.map(koinosLock), nowMs: atMs)
    }

    static func storeEthereumLocks(_ numbers: some Sequence<Int>, atMs: UInt64, in database: BridgeDatabase) async throws {
        let pending = numbers.map { n in
            PendingObservation(
                id: ObservationID(chainID: 1337, transactionHash: [UInt8](repeating: 0x66, count: 30) + [UInt8(n >> 8 & 0xff), UInt8(n & 0xff)], logIndex: UInt32(n % 4)),
                profile: .v1, digest: [UInt8](repeating: 9, count: 32), message: [1], status: .observed, updatedAtMilliseconds: atMs)
        }
        try await database.insertObservationFixtures(pending, atMilliseconds: atMs)
    }

    static func page(_ client: some TestClientProtocol, _ uri: String) async throws -> (ids: [String], next: String?) {
        try await client.execute(uri: uri, method: .get) { response in
            #expect(response.status == .ok, "\(uri)")
            let body = try HTTPAPITests.json(response)
            let items = try #require(body["items"] as? [[String: Any]], "\(uri)")
            return (items.compactMap { $0["id"] as? String }, body["next_cursor"] as? String)
        }
    }

    /// Pages `base` 4 at a time, calling `between` after each page, until `next_cursor` is null.
    static func pageThrough(
        _ client: some TestClientProtocol, _ base: String, between: (Int) async throws -> Void
    ) async throws -> [String] {
        var seen: [String] = []
        var cursor: String?
        for round in 0..<200 {
            let uri = base + "&limit=4" + (cursor.map { "&cursor=\($0)" } ?? "")
            let (ids, next) = try await page(client, uri)
            seen += ids
            guard let next else { return seen }
            #expect(!next.contains(":") && !next.contains("."), "the cursor is opaque text: \(next)")
            cursor = next
            try await between(round)
        }
        Issue.record("paging did not end")
        return seen
    }

    @Test(arguments: ["koinos_to_ethereum", "ethereum_to_koinos"])
    func pagingOverConcurrentInsertsSkipsAndRepeatsNothing(direction: String) async throws {
        let fixture = try FilledDatabase(count: 1)  // one Ethereum → Koinos row (created at 1_000)
        defer { fixture.remove() }
        let database = fixture.database
        let koinos = direction == "koinos_to_ethereum"
        let store: @Sendable (ClosedRange<Int>, UInt64) async throws -> Void = { numbers, ms in
            if koinos { try await Self.storeKoinosLocks(numbers, atMs: ms, in: database) } else { try await Self.storeEthereumLocks(numbers, atMs: ms, in: database) }
        }
        // 17 transfers before the first page, in three commits; 7 share one millisecond.
        try await store(1...7, 5_000)
        try await store(8...12, 6_000)
        try await store(13...17, 7_000)
        let before = Set(try await Self.allIDs(database, koinos: koinos))
        #expect(before.count == (koinos ? 17 : 18))

        // A writer storing transfers the whole time the pages are read (newer, tied and older times).
        let writer = Task {
            for n in 100..<140 {
                try await store(n...n, [9_000, 6_000, 5_000, 4_000][n % 4] + UInt64(n % 4 == 0 ? n : 0))
                try await Task.sleep(for: .milliseconds(2))  // writes interleave with the page reads: the test
            }
        }
        let app = Application(router: fixture.api(clock: { 20_000 }).buildRouter(logger: HTTPAPITests.logger))
        let seen = try await app.test(.router) { client in
            try await Self.pageThrough(client, "/v1/attestations?direction=\(direction)") { round in
                // And between pages, two more: one newer than everything, one tied with the oldest.
                try await store((200 + 2 * round)...(200 + 2 * round), 10_000 + UInt64(round))
                try await store((201 + 2 * round)...(201 + 2 * round), 5_000)
            }
        }
        _ = try await writer.value
        #expect(Set(seen).count == seen.count, "no transfer listed twice: \(seen.count - Set(seen).count) repeats")
        #expect(before.isSubset(of: Set(seen)), "every transfer stored before paging began is listed; missing \(before.subtracting(seen))")
        let prefix = koinos ? "koinos:" : "1337:"
        #expect(seen.allSatisfy { $0.hasPrefix(prefix) })
    }

    static func allIDs(_ database: BridgeDatabase, koinos: Bool) async throws -> [String] {
        try await database.writer.read { db in
            try String.fetchAll(db, sql: koinos ? "SELECT id FROM koinos_observation" : "SELECT id FROM observation")
        }
    }

    @Test func cursorsTheAPIDidNotHandOutAre400() async throws {
        let fixture = try FilledDatabase(count: 6)
        defer { fixture.remove() }
        try await Self.storeKoinosLocks(1...6, atMs: 5_000, in: fixture.database)
        let app = Application(router: fixture.api().buildRouter(logger: HTTPAPITests.logger))
        try await app.test(.router) { client in
            let (_, ethereumNext) = try await Self.page(client, "/v1/attestations?limit=2")
            let (_, koinosNext) = try await Self.page(client, "/v1/attestations?direction=koinos_to_ethereum&limit=2")
            let ethereumCursor = try #require(ethereumNext), koinosCursor = try #require(koinosNext)
            // Both cursors work where they came from.
            #expect(try await Self.page(client, "/v1/attestations?limit=2&cursor=\(ethereumCursor)").ids.count == 2)
            #expect(try await Self.page(client, "/v1/attestations?direction=koinos_to_ethereum&limit=2&cursor=\(koinosCursor)").ids.count == 2)

            func base64url(_ text: String) -> String {
                Data(text.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                    .replacingOccurrences(of: "=", with: "")
            }
            let validID = fixture.ids[3]
            let garbage = [
                "nope", "%25%25%25", "", String(repeating: "A", count: 400), "1003.\(validID)", base64url("1003"), base64url("x.\(validID)"),
                base64url("-5.\(validID)"), base64url("99999999999999999999.\(validID)"), base64url("1003.1337:0x12:0"),
                base64url("1003.koinos:0x1220:1"), ethereumCursor + "%3D%3D", "\(ethereumCursor)!",
            ]
            for cursor in garbage {
                for list in ["/v1/attestations?cursor=", "/v1/attestations?direction=koinos_to_ethereum&cursor="] {
                    try await client.execute(uri: list + cursor, method: .get) { response in
                        let body = try HTTPAPITests.json(response)
                        #expect(response.status == .badRequest, "\(list)\(cursor.prefix(60))")
                        #expect(body["error"] as? String == "bad_request")
                    }
                }
            }
            // A cursor of one direction does not page the other.
            for uri in ["/v1/attestations?cursor=\(koinosCursor)", "/v1/attestations?direction=ethereum_to_koinos&cursor=\(koinosCursor)",
                        "/v1/attestations?direction=koinos_to_ethereum&cursor=\(ethereumCursor)", "/?cursor=\(koinosCursor)"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .badRequest, "\(uri)")
                }
            }
            // Limit bounds hold with a cursor too.
            for limit in ["0", "201", "x"] {
                try await client.execute(uri: "/v1/attestations?direction=koinos_to_ethereum&limit=\(limit)&cursor=\(koinosCursor)", method: .get) {
                    #expect($0.status == .badRequest)
                }
            }
            #expect(try await Self.page(client, "/v1/attestations?direction=koinos_to_ethereum&limit=200").ids.count == 6)
        }
    }
}
