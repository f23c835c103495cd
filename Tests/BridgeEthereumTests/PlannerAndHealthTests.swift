// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeEthereum
import Testing

@Suite struct BlockRangePlannerTests {
    @Test func windowsCoverTheRangeWithoutGapsOrOverlap() {
        var p = BlockRangePlanner(nextBlock: 10, maxWindow: 100)
        var covered: [ClosedRange<UInt64>] = []
        while let r = p.nextRange(target: 1_000) {
            covered.append(r)
            p.recordAnswer(logCount: 0)
            p.advance(to: r.upperBound + 1)
        }
        #expect(covered.first?.lowerBound == 10 && covered.last?.upperBound == 1_000)
        #expect(zip(covered, covered.dropFirst()).allSatisfy { $0.upperBound + 1 == $1.lowerBound })
        #expect(covered.count == Int((991 + 99) / 100))
        #expect(p.nextRange(target: 1_000) == nil)
    }

    @Test func refusalsShrinkAndQuietAnswersGrowBack() {
        var p = BlockRangePlanner(nextBlock: 0, maxWindow: 1_000, growAfter: 2)
        let r = p.nextRange(target: 10_000)!
        #expect(r == 0...999)
        let shrank = p.recordRefusal(of: r)
        #expect(shrank)
        #expect(p.window == 500)
        let next = p.nextRange(target: 10_000)!
        let hinted = p.recordRefusal(of: next, suggestedToBlock: 99)
        #expect(hinted)
        #expect(p.window == 100, "the provider's hint wins")
        p.recordAnswer(logCount: 5)
        p.recordAnswer(logCount: 5)
        #expect(p.window == 200)
        p.recordAnswer(logCount: 5_000)  // busy: no growth, streak reset
        p.recordAnswer(logCount: 5)
        #expect(p.window == 200)
        for _ in 0..<20 { p.recordAnswer(logCount: 0) }
        #expect(p.window == 1_000, "never above the maximum")
        var single = BlockRangePlanner(nextBlock: 5, maxWindow: 1)
        let shrankSingle = single.recordRefusal(of: 5...5)
        #expect(!shrankSingle, "one block cannot shrink")
    }

    @Test func cursorNeverMovesBackwardsAndTargetsBelowItAreCaughtUp() {
        var p = BlockRangePlanner(nextBlock: 50, maxWindow: 10)
        p.advance(to: 40)
        #expect(p.nextBlock == 50)
        #expect(p.nextRange(target: 49) == nil)
        #expect(p.nextRange(target: 52) == 50...52)
        var top = BlockRangePlanner(nextBlock: .max - 1, maxWindow: 10)
        #expect(top.nextRange(target: UInt64.max) == (UInt64.max - 1)...UInt64.max)
        top.advance(to: .max)
    }
}

@Suite struct EndpointHealthTests {
    @Test func rankingPrefersHealthyFastEndpointsAndExcludesWrongChains() {
        var a = EndpointHealth(index: 0)
        var b = EndpointHealth(index: 1)
        var c = EndpointHealth(index: 2)
        a.recordSuccess(latencyMs: 50)
        b.recordSuccess(latencyMs: 10)
        c.recordSuccess(latencyMs: 1)
        c.recordWrongChain()
        #expect(EndpointHealth.rank([a, b, c], nowMs: 0, stallMs: 1_000) == [1, 0])
        b.recordError(nowMs: 1_000)
        #expect(EndpointHealth.rank([a, b, c], nowMs: 1_500, stallMs: 1_000) == [0, 1], "quarantined after an error")
        #expect(b.isQuarantined(nowMs: 1_999) && !b.isQuarantined(nowMs: 2_000))
        b.recordError(nowMs: 2_000)
        #expect(b.isQuarantined(nowMs: 3_999), "the quarantine doubles")
        b.recordSuccess(latencyMs: 10)
        #expect(!b.isQuarantined(nowMs: 2_001))
    }

    @Test func aHeadThatStopsWhileAnotherMovesIsFrozen() {
        var a = EndpointHealth(index: 0)
        var b = EndpointHealth(index: 1)
        a.recordHead(100, nowMs: 0)
        b.recordHead(100, nowMs: 0)
        b.recordHead(105, nowMs: 4_000)
        a.recordHead(100, nowMs: 4_000)
        #expect(a.isFrozen(nowMs: 4_000, bestHead: 105, stallMs: 3_000))
        #expect(!b.isFrozen(nowMs: 4_000, bestHead: 105, stallMs: 3_000))
        #expect(EndpointHealth.rank([a, b], nowMs: 4_000, stallMs: 3_000) == [1, 0])
        #expect(!a.isFrozen(nowMs: 4_000, bestHead: 100, stallMs: 3_000), "a halted chain freezes nobody")
    }
}
