// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeEthereum
import Testing

/// The re-observation queue's bounds, without sockets or clocks.
@Suite struct ReobservationQueueTests {
    static func id(_ n: Int, chain: UInt64 = 1337) -> ObservationID {
        var hash = [UInt8](repeating: 0, count: 32)
        for i in 0..<8 { hash[31 - i] = UInt8(truncatingIfNeeded: n >> (8 * i)) }
        return ObservationID(chainID: chain, transactionHash: hash, logIndex: 1)
    }

    static func limits(maxLength: Int = 8, cooldownMs: UInt64 = 600_000, rate: Double = 1_000, burst: Double = 1_000, attempts: Int = 3) -> ReobservationQueue.Limits {
        var limits = ReobservationQueue.Limits()
        limits.maxLength = maxLength
        limits.cooldownMs = cooldownMs
        limits.checksPerSecond = rate
        limits.burst = burst
        limits.maxAttempts = attempts
        limits.retryDelayMs = 5_000
        return limits
    }

    @Test func anIdWaitingOrCoolingDownIsNotQueuedAgain() {
        var queue = ReobservationQueue(limits: Self.limits(cooldownMs: 10_000))
        #expect(queue.offer(Self.id(1), nowMs: 1_000) == .queued)
        #expect(queue.offer(Self.id(1), nowMs: 1_001) == .duplicate)
        #expect(queue.next(nowMs: 1_002) == Self.id(1))
        #expect(queue.offer(Self.id(1), nowMs: 1_003) == .duplicate, "in flight counts as waiting")
        queue.finish(Self.id(1))
        #expect(queue.count == 0)
        #expect(queue.offer(Self.id(1), nowMs: 10_999) == .coolingDown)
        #expect(queue.offer(Self.id(1), nowMs: 11_000) == .queued, "the cooldown is over")
    }

    @Test func aFloodOfDistinctIdsNeverGrowsPastTheBounds() {
        var queue = ReobservationQueue(limits: Self.limits(maxLength: 16, cooldownMs: 1_000, rate: 50, burst: 5))
        var queued = 0, full = 0
        for n in 0..<20_000 {
            let now = UInt64(n)  // 1 ms apart: 20 s of requests at 1,000 per second
            switch queue.offer(Self.id(n), nowMs: now) {
            case .queued: queued += 1
            case .full: full += 1
            default: Issue.record("a fresh id was neither queued nor refused as full")
            }
            if let id = queue.next(nowMs: now) { queue.finish(id) }
            #expect(queue.count <= 16)
            // Ids admitted within one cooldown: at most the queue plus what the bucket let through.
            #expect(queue.coolingDownCount <= 16 + 5 + 50 + 1)
        }
        // 5 at once, then 50 per second over 20 s: about 1,005 checks; the queue holds 16 more.
        #expect(queued >= 1_000 && queued <= 1_005 + 16 + 1, "queued \(queued)")
        #expect(full == 20_000 - queued)
        #expect(queue.count == 16)
    }

    @Test func checksArePacedByTheTokenBucket() {
        var queue = ReobservationQueue(limits: Self.limits(maxLength: 100, rate: 2, burst: 3))
        for n in 0..<10 { #expect(queue.offer(Self.id(n), nowMs: 0) == .queued) }
        var checked: [ObservationID] = []
        while let id = queue.next(nowMs: 0) { checked.append(id) }
        #expect(checked.count == 3, "the burst")
        #expect(queue.next(nowMs: 499) == nil, "one token per 500 ms")
        #expect(queue.next(nowMs: 500) != nil)
        #expect(queue.next(nowMs: 10_000) != nil)
        var after = 1
        while queue.next(nowMs: 10_000) != nil { after += 1 }
        #expect(after == 3, "a long pause refills at most the burst")
    }

    @Test func retriesAreDelayedAndBounded() {
        var queue = ReobservationQueue(limits: Self.limits(attempts: 3))
        let id = Self.id(7)
        #expect(queue.offer(id, nowMs: 0) == .queued)
        #expect(queue.next(nowMs: 0) == id)
        let first = queue.retryLater(id, nowMs: 0)
        #expect(first)
        #expect(queue.next(nowMs: 4_999) == nil, "not before the retry delay")
        #expect(queue.next(nowMs: 5_000) == id)
        let second = queue.retryLater(id, nowMs: 5_000)
        #expect(second)
        #expect(queue.next(nowMs: 10_000) == id)
        let third = queue.retryLater(id, nowMs: 10_000)
        #expect(!third, "the third attempt was the last")
        #expect(queue.count == 0)
        #expect(queue.next(nowMs: 20_000) == nil)
    }

    @Test func dueIdsAreCheckedOldestFirst() {
        var queue = ReobservationQueue(limits: Self.limits())
        #expect(queue.offer(Self.id(3), nowMs: 10) == .queued)
        #expect(queue.offer(Self.id(1), nowMs: 20) == .queued)
        #expect(queue.offer(Self.id(2), nowMs: 30) == .queued)
        #expect(queue.next(nowMs: 15) == Self.id(3))
        #expect(queue.next(nowMs: 15) == nil, "the others are not due yet")
        #expect(queue.next(nowMs: 40) == Self.id(1))
        #expect(queue.next(nowMs: 40) == Self.id(2))
    }
}
