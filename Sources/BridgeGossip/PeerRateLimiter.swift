// SPDX-License-Identifier: Apache-2.0

/// Token buckets per (peer, message kind), driven by an injected clock.
///
/// At most `capacity` buckets are kept; a new key beyond it evicts the least recently used bucket,
/// one at a time (issue 19 L3: dropping thousands at once let fresh peer ids reset every limit).
/// Recency is a use counter, so buckets touched in the same millisecond are still ordered.
struct PeerRateLimiter: Sendable {
    private struct Bucket: Sendable {
        var tokens: Double
        var updatedAtMilliseconds: UInt64
        var lastUse: UInt64
    }

    private var buckets: [String: Bucket] = [:]
    /// Keys in the order they were used, with the use number; an entry whose number is no longer
    /// its bucket's `lastUse` is stale and skipped. Compacted when stale entries dominate.
    private var recency: [(key: String, use: UInt64)] = []
    private var recencyHead = 0
    private var uses: UInt64 = 0
    let capacity: Int
    static let maxBuckets = 10_000

    init(capacity: Int = PeerRateLimiter.maxBuckets) {
        self.capacity = max(1, capacity)
    }

    var count: Int { buckets.count }

    /// Takes one token for `key`; false when the bucket is empty.
    mutating func allow(_ key: String, limit: BridgeGossipConfiguration.RateLimit, now: UInt64) -> Bool {
        if buckets[key] == nil, buckets.count >= capacity { evictLeastRecentlyUsed() }
        uses += 1
        var bucket = buckets[key] ?? Bucket(tokens: limit.burst, updatedAtMilliseconds: now, lastUse: uses)
        let elapsed = Double(now &- min(now, bucket.updatedAtMilliseconds)) / 1000
        bucket.tokens = min(limit.burst, bucket.tokens + elapsed * limit.perSecond)
        bucket.updatedAtMilliseconds = max(now, bucket.updatedAtMilliseconds)
        bucket.lastUse = uses
        let allowed = bucket.tokens >= 1
        if allowed { bucket.tokens -= 1 }
        buckets[key] = bucket
        recency.append((key, uses))
        compactIfMostlyStale()
        return allowed
    }

    private mutating func evictLeastRecentlyUsed() {
        while recencyHead < recency.count {
            let (key, use) = recency[recencyHead]
            recencyHead += 1
            if buckets[key]?.lastUse == use {
                buckets[key] = nil
                return
            }
        }
    }

    /// Keeps `recency` within a few times the bucket count (amortised O(1) per call).
    private mutating func compactIfMostlyStale() {
        guard recency.count > 2 * capacity + 64 else { return }
        recency = buckets.map { (key: $0.key, use: $0.value.lastUse) }.sorted { $0.use < $1.use }
        recencyHead = 0
    }
}
