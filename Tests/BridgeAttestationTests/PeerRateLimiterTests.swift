// SPDX-License-Identifier: Apache-2.0
@testable import BridgeGossip
import Testing
import Primitives

/// Issue 19 L3: fresh peer ids must not reset the limits of the peers already tracked.
struct PeerRateLimiterTests {
    /// Three messages, then nothing for the rest of the test (no refill within it).
    let limit = BridgeGossipConfiguration.RateLimit(burst: 3, perSecond: 0.001)

    /// Passes a result through, so `#expect` does not wrap the mutating call itself.
    static func taken(_ allowed: Bool) -> Bool { allowed }

    func exhaust(_ key: String, in limiter: inout PeerRateLimiter, now: UInt64) {
        for _ in 0..<3 { #expect(Self.taken(limiter.allow(key, limit: limit, now: now))) }
        #expect(!Self.taken(limiter.allow(key, limit: limit, now: now)))
    }

    @Test func oneFreshPeerIDEvictsOneBucketNotHalfOfThem() {
        var limiter = PeerRateLimiter()
        exhaust("old-spammer", in: &limiter, now: 0)
        exhaust("attacker", in: &limiter, now: 0)
        for i in 0..<(PeerRateLimiter.maxBuckets - 2) { _ = limiter.allow("filler-\(i)", limit: limit, now: 1) }
        #expect(limiter.count == PeerRateLimiter.maxBuckets)
        // One more id: only the least recently used bucket ("old-spammer") goes.
        _ = limiter.allow("fresh", limit: limit, now: 1)
        #expect(limiter.count == PeerRateLimiter.maxBuckets)
        #expect(!Self.taken(limiter.allow("attacker", limit: limit, now: 1)))
    }

    @Test func aLimitedPeerThatKeepsTryingStaysLimitedUnderAnIDFlood() {
        var limiter = PeerRateLimiter(capacity: 500)
        exhaust("attacker", in: &limiter, now: 0)
        // 20 fresh ids per retry, 100 retries: 2,000 fresh ids, four times the capacity, in one millisecond.
        for round in 0..<100 {
            for i in 0..<20 { _ = limiter.allow("sybil-\(round)-\(i)", limit: limit, now: 5) }
            #expect(!Self.taken(limiter.allow("attacker", limit: limit, now: 5)))
        }
        #expect(limiter.count == 500)
    }

    @Test func bucketsTouchedInTheSameMillisecondAreEvictedInUseOrder() {
        var limiter = PeerRateLimiter(capacity: 3)
        for key in ["a", "b", "c"] { _ = limiter.allow(key, limit: limit, now: 7) }
        _ = limiter.allow("a", limit: limit, now: 7)  // "b" is now the least recently used
        _ = limiter.allow("d", limit: limit, now: 7)
        exhaust("e", in: &limiter, now: 7)  // evicts "c"
        // "a" and "d" survived with their spent tokens: a has 1 left, d has 2.
        #expect(Self.taken(limiter.allow("a", limit: limit, now: 7)))
        #expect(!Self.taken(limiter.allow("a", limit: limit, now: 7)))
        #expect(limiter.count == 3)
    }
}
