// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeHTTPAPI
import BridgeStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// `/v1/governor` and `delayed` in `/v1/attestations`, over real SQLite rows the governor decided.
struct GovernorAPITests {
    @Test func governorAndAttestationsShowTheQueueWithReleaseTimes() async throws {
        var fixture = try FilledDatabase(count: 7)
        defer { fixture.remove() }
        try fixture.insert(index: 8, status: .observed)  // token A, like row 0
        let observations = [fixture.ids[0], fixture.ids[7]].compactMap(ObservationID.init)
        let policy = GovernorPolicy(tokens: [FilledDatabase.tokenA: GovernorLimits(dailyLimit: 150_000, singleTransferThreshold: 200_000)])
        let candidates = try await SQLiteGovernorRepository(fixture.database).governorCandidates(observations)
        var governor = Governor(policy: policy)
        var entries: [GovernorEntry] = []
        for id in observations {
            let transfer = try #require(candidates[id]?.transfer)
            let decision = governor.decide(transfer)
            entries.append(GovernorEntry(transfer: transfer, decision: try #require(decision)))
        }
        #expect(entries.map(\.decision) == [.signNow, .delayed(releaseAtMilliseconds: 1_700_000_000_000 + GovernorPolicy.dayMilliseconds, reason: .dailyLimit)])
        try await SQLiteGovernorRepository(fixture.database).recordGovernorDecisions(entries, atMilliseconds: 20_000)

        let ids = fixture.ids
        var api = fixture.api()
        api.governor = policy
        api.clock = { 1_700_000_060_000 }
        let app = Application(router: api.buildRouter(logger: Logger(label: "test")))
        try await app.test(.router) { client in
            let body = try await client.execute(uri: "/v1/governor", method: .get) { try HTTPAPITests.json($0) }
            #expect(body["enabled"] as? Bool == true)
            let tokens = try #require(body["tokens"] as? [[String: Any]])
            #expect(tokens.count == 1)
            #expect(tokens.first?["daily_limit"] as? String == "150000")
            #expect(tokens.first?["used"] as? String == "100000")
            #expect(tokens.first?["available"] as? String == "50000")
            let queued = try #require(tokens.first?["queued"] as? [[String: Any]])
            #expect(queued.map { $0["id"] as? String } == [ids[7]])
            #expect(queued.first?["release_at_ms"] as? Int == 1_700_086_400_000)
            #expect(queued.first?["reason"] as? String == "daily_limit")

            let page = try await client.execute(uri: "/v1/attestations?status=delayed", method: .get) { try HTTPAPITests.json($0) }
            let items = try #require(page["items"] as? [[String: Any]])
            #expect(items.map { $0["id"] as? String } == [ids[7]])
            let hold = try #require(items.first?["governor"] as? [String: Any])
            #expect(hold["decision"] as? String == "delayed")
            #expect(hold["release_at_ms"] as? Int == 1_700_086_400_000)
            let signed = try await client.execute(uri: "/v1/attestations/\(ids[0])", method: .get) { try HTTPAPITests.json($0) }
            #expect((signed["governor"] as? [String: Any])?["decision"] as? String == "sign_now")

            // The operator's page shows the same: limit, used, available, and the delayed transfer linked to its detail.
            let home = try await client.execute(uri: "/", method: .get) { String(buffer: $0.body) }
            #expect(home.contains("<h2>Governor</h2>"))
            #expect(home.contains("<td>150000</td><td>100000</td><td>50000</td>"))
            #expect(home.contains("<a href=\"/attestations/\(ids[7])\">"))
            #expect(home.contains("<td>daily_limit</td>"))
            let detail = try await client.execute(uri: "/attestations/\(ids[7])", method: .get) { String(buffer: $0.body) }
            #expect(detail.contains("<h2>governor</h2>") && detail.contains("<td>delayed</td>"))
        }
    }
}
