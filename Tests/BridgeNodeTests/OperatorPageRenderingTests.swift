// SPDX-License-Identifier: Apache-2.0
import BridgeCore
@testable import BridgeHTTPAPI
@testable import BridgeStore
import Foundation
import Testing

/// The operator page's renderers as pure functions: no socket, no database.
struct OperatorPageRenderingTests {
    static let attack = "<script>document.title='owned'</script><img src=x onerror=alert(1)>"

    static func record(status: String = "rejected", recipient: String = attack, metadata: String = attack) -> AttestationRecord {
        AttestationRecord(
            id: "1337:0x\(String(repeating: "ab", count: 32)):7", chainID: 1337, transactionHash: [UInt8](repeating: 0xab, count: 32), logIndex: 7,
            profile: "v2", blockNumber: 42, blockHash: [UInt8](repeating: 0xcd, count: 32), sender: [UInt8](repeating: 0x11, count: 20),
            token: [UInt8](repeating: 0xaa, count: 20), amount: "300000000", payment: "0", recipient: recipient, relayer: "\"><b>relayer",
            metadata: metadata, blockTimeMs: 1_000_000, destinationChain: 1, status: status, reason: "recipient \(attack) is not base58",
            koinosToken: nil, koinosContract: nil, expiration: nil, digest: nil, quorumRequired: nil, quorumHave: nil, quorumAtMs: nil,
            createdAtMs: 1_000_500, updatedAtMs: 1_045_000, signatures: [], submission: nil)
    }

    static let tokens = TokenNames([TokenDisplay(ethereumToken: [UInt8](repeating: 0xaa, count: 20), koinosToken: "1Token", symbol: "ETH")])

    @Test func untrustedChainValuesAreEscapedInTheListAndTheDetail() {
        let row = AttestationTable.row(Self.record(), now: 2_000_000, tokens: Self.tokens, validators: [])
        let detail = AttestationDetailPage.render(
            AttestationJSON(Self.record(), recovery: SignatureRecoveryCache()), tokens: Self.tokens, token: Self.record().token,
            koinosToken: nil, now: 2_000_000, refreshSeconds: 5)
        for html in [row, detail] {
            #expect(!html.contains("<script"))
            #expect(!html.contains("<img"))
            #expect(!html.contains("\"><b>"))
            #expect(html.contains("&lt;script&gt;document.title=&#39;owned&#39;&lt;/script&gt;"))
        }
        #expect(detail.contains("&quot;&gt;&lt;b&gt;relayer"))
        #expect(escape("a&b<\"'>") == "a&amp;b&lt;&quot;&#39;&gt;")
    }

    @Test func amountsAreShownInHumanUnitsWithTheSymbol() {
        #expect(PageText.amount("300000000", decimals: 8) == "3")
        #expect(PageText.amount("100000", decimals: 8) == "0.001")
        #expect(PageText.amount("0", decimals: 8) == "0")
        #expect(PageText.amount("18446744073709551615", decimals: 8) == "184,467,440,737.09551615")
        #expect(PageText.amount("12a", decimals: 8) == nil)
        #expect(PageText.amount("", decimals: 8) == nil)
        #expect(PageText.amount("-5", decimals: 8) == nil)
        let row = AttestationTable.row(Self.record(status: "completed"), now: 2_000_000, tokens: Self.tokens, validators: [])
        #expect(row.contains("<td>ETH</td><td class=\"num amount\">3</td>"))
        #expect(row.contains("45.0 s"))  // lock (1,000,000) → completed (1,045,000)
        // An unknown token falls back to its address and 8 decimals.
        let other = TokenNames([]).describe(token: [UInt8](repeating: 0xbb, count: 20), koinosToken: nil, amount: "150000000")
        #expect(other.amount == "1.5")
        #expect(other.label.hasPrefix("0x"))
    }

    @Test func quorumBarFillsInProportionAndNeverOverflows() {
        #expect(QuorumBar.render(have: 2, required: 3).contains("class=\"bar-fill\" width=\"40\""))
        #expect(QuorumBar.render(have: 2, required: 3).contains("q-wait"))
        #expect(QuorumBar.render(have: 5, required: 3).contains("class=\"bar-fill\" width=\"60\""))
        #expect(QuorumBar.render(have: 3, required: 3).contains("q-ok"))
        #expect(QuorumBar.render(have: 1, required: nil).contains("1/?"))
        #expect(QuorumBar.render(have: 1, required: 0).contains("class=\"bar-fill\" width=\"0\""))
    }

    @Test func chartsDrawOneBarPerSampleAndThePercentileLines() {
        #expect(Charts.percentile(Array(1...100), 50) == 50)
        #expect(Charts.percentile(Array(1...100), 95) == 95)
        #expect(Charts.percentile([7], 95) == 7)
        #expect(Charts.percentile([], 50) == nil)
        let completions = (1...20).map { OperatorOverview.Completion(id: "\($0)", lockedAtMs: 1_000, completedAtMs: 1_000 + UInt64($0) * 1_000) }
        let svg = Charts.latency(completions)
        #expect(svg.components(separatedBy: "class=\"lat\"").count - 1 == 20)
        #expect(svg.contains("class=\"p50\"") && svg.contains("class=\"p95\""))
        #expect(svg.contains("p50 10.0 s · p95 19.0 s"))
        #expect(Charts.latency([]).contains("no completed transfers yet"))
        let hours = (0..<24).map { OperatorOverview.HourCount(hourStartMs: UInt64($0) * 3_600_000, observed: $0 == 23 ? 10 : 1) }
        let bars = Charts.hourly(hours)
        #expect(bars.components(separatedBy: "class=\"hour\"").count - 1 == 24)
        #expect(bars.contains("33 locks in 24 h"))
        #expect(bars.contains("height=\"82\"><title>10</title>"))  // the busiest hour fills the plot
    }

    static func model(readiness: [String: Bool] = ["store": true], cursorAgeMs: UInt64 = 1_000, failing: Int = 0, evidence: Int = 0) -> HomePageModel {
        let now: UInt64 = 10_000_000
        let overview = OperatorOverview(
            statusCounts: [.completed: 2, .rejected: 1], completions: [], hourly: [], signaturesLastHour: [:], heartbeats: [],
            cursors: [CursorRecord(name: "ethereum", blockNumber: 500, blockHash: nil, updatedAtMs: now - cursorAgeMs)],
            evidenceCount: evidence, failingSubmissions: failing, lastSubmissionError: failing > 0 ? "mana <exhausted>" : nil)
        return HomePageModel(
            now: now, node: NodeDescription(version: "t", profile: "v2", ethereumChainID: 1337, ethereumContract: "0xc", koinosChainID: "k",
                                            koinosBridgeContract: "1B", validatorAddress: "1Self"),
            uptimeMs: 5_000, settings: PageSettings(), readiness: readiness, peers: [], overview: overview,
            attestations: AttestationPage(items: [], nextCursor: nil), query: AttestationQuery(), validators: [], tokens: TokenNames([]))
    }

    @Test func headerTurnsRedForEachReasonThatNeedsAttention() {
        #expect(Self.model().attention.isEmpty)
        #expect(HeaderSection.render(Self.model()).hasPrefix("<header class=\"ok\">"))
        let cases: [(HomePageModel, String)] = [
            (Self.model(readiness: ["store": true, "p2p_peers": false]), "not ready: p2p_peers"),
            (Self.model(cursorAgeMs: 16 * 60_000), "Ethereum watcher stalled"),
            (Self.model(failing: 2), "2 Koinos submission(s) failing: mana <exhausted>"),
            (Self.model(evidence: 1), "equivocation seen"),
        ]
        for (model, reason) in cases {
            #expect(model.attention.contains { $0.hasPrefix(reason) }, "\(model.attention)")
            let header = HeaderSection.render(model)
            #expect(header.hasPrefix("<header class=\"alert\">"))
            #expect(!header.contains("<exhausted>"))
        }
    }

    @Test func validatorSilentForMoreThanTwoHeartbeatsIsFlagged() {
        let a: [UInt8] = [0x00] + [UInt8](repeating: 1, count: 24)
        let b: [UInt8] = [0x00] + [UInt8](repeating: 2, count: 24)
        let now: UInt64 = 100_000
        let rows = ValidatorRow.rows(
            set: [Base58Text.of(a), Base58Text.of(b), "1NeverSeen"], configured: [],
            heartbeats: [
                HeartbeatRecord(validator: a, peerID: "12D3Alive", version: "1", ethereumCursor: 9, sentAtMs: now - 5_000, receivedAtMs: now - 5_000),
                HeartbeatRecord(validator: b, peerID: "12D3Quiet", version: "1", ethereumCursor: 9, sentAtMs: now - 25_000, receivedAtMs: now - 25_000),
            ],
            peers: [PeerSnapshot(peerID: "12D3Alive", addresses: [], connected: true, validator: nil)],
            signaturesLastHour: [a: 4], selfAddress: nil)
        #expect(rows.map { $0.isSilent(now: now, heartbeatIntervalMs: 10_000) } == [false, true, true])
        #expect(rows.map(\.connected) == [true, false, false])
        #expect(rows.map(\.signaturesLastHour) == [4, 0, 0])
        let html = ValidatorTable.render(rows, now: now, heartbeatIntervalMs: 10_000)
        #expect(html.components(separatedBy: "<span class=\"warn\">silent</span>").count - 1 == 2)
        #expect(html.contains("never"))
    }
}

enum Base58Text {
    static func of(_ bytes: [UInt8]) -> String { TextForms.koinosAddress(bytes) }
}
