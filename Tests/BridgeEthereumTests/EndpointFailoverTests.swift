// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeEthereum
import BridgeTesting
import Testing

/// The pool's failover and agreement decisions without endpoints: health values and a virtual clock.
struct EndpointFailoverTests {
    static let stallMs: UInt64 = 30_000

    static func healthy(_ count: Int, latency: [Double], clock: VirtualClock) -> [EndpointHealth] {
        (0..<count).map { i in
            var e = EndpointHealth(index: i)
            e.recordSuccess(latencyMs: latency[i])
            e.recordHead(100, nowMs: clock.nowMilliseconds)
            return e
        }
    }

    func order(_ health: [EndpointHealth], current: Int?, tried: Set<Int> = [], keep: Bool = true, _ clock: VirtualClock) -> [Int] {
        EndpointFailover.order(health, current: current, excluding: tried, keepCurrent: keep, nowMs: clock.nowMilliseconds, stallMs: Self.stallMs)
    }

    @Test func theCurrentEndpointIsKeptWhileAsHealthyAsTheBest() {
        let clock = VirtualClock()
        let health = Self.healthy(3, latency: [50, 10, 30], clock: clock)
        #expect(order(health, current: nil, clock) == [1, 2, 0], "no current: by latency")
        #expect(order(health, current: 0, clock) == [0, 1, 2], "slower but healthy: no flapping")
        #expect(order(health, current: 0, keep: false, clock) == [1, 2, 0], "the agreement's second endpoint is just the best other")
        #expect(order(health, current: 0, tried: [0], clock) == [1, 2], "a failed try moves on")
    }

    /// An error quarantines the endpoint (1 s, 2 s, 4 s …): it is tried last until the quarantine
    /// ends, and the current one is not kept once it has an error.
    @Test func anErroringEndpointFailsOverAndComesBackAfterItsQuarantine() {
        let clock = VirtualClock()
        var health = Self.healthy(2, latency: [10, 50], clock: clock)
        health[0].recordError(nowMs: clock.nowMilliseconds)
        #expect(order(health, current: 0, clock) == [1, 0])
        clock.advance(milliseconds: 999)
        #expect(order(health, current: 0, clock) == [1, 0], "still quarantined")
        clock.advance(milliseconds: 1)
        #expect(order(health, current: 1, clock) == [1, 0], "out of quarantine but one error: the new current stays")
        health[0].recordSuccess(latencyMs: 10)
        #expect(order(health, current: 1, clock) == [1, 0], "healthy again: still no flapping back")
        #expect(order(health, current: nil, clock) == [0, 1])
        health[1].recordError(nowMs: clock.nowMilliseconds)
        health[1].recordError(nowMs: clock.nowMilliseconds)
        #expect(order(health, current: 1, clock) == [0, 1])
        clock.advance(milliseconds: 1_999)
        #expect(order(health, current: 0, clock) == [0, 1], "the second error doubled the quarantine")
    }

    /// A head that stops while another endpoint's moves on is a hung node: demoted after `stallMs`.
    @Test func aFrozenHeadIsDemotedAndAWrongChainIsNeverUsed() {
        let clock = VirtualClock()
        var health = Self.healthy(3, latency: [10, 20, 30], clock: clock)
        clock.advance(milliseconds: Self.stallMs)
        health[1].recordHead(120, nowMs: clock.nowMilliseconds)
        health[2].recordHead(120, nowMs: clock.nowMilliseconds)
        #expect(order(health, current: 0, clock) == [1, 2, 0], "frozen for stallMs behind the others")
        health[1].recordWrongChain(served: 5)
        #expect(order(health, current: nil, clock) == [2, 0])
        #expect(order(health, current: 1, clock) == [2, 0], "a wrong-chain current is not kept")
    }

    @Test func twoEndpointsAgreeOnTheLowerFinalBlock() {
        #expect(EndpointFailover.agreedFinal(100, 90) == 90)
        #expect(EndpointFailover.agreedFinal(90, 100) == 90)
        #expect(EndpointFailover.agreedFinal(100, nil) == nil, "one without a final block: none")
        #expect(EndpointFailover.agreedFinal(nil, nil) == nil)
    }
}
