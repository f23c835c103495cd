// SPDX-License-Identifier: Apache-2.0

/// Token buckets per key (a peer, or a peer and a message kind), driven by an injected clock; used
/// by the bridge plugin's gossip limits and by the Koinos peer-RPC server.
///
/// At most `capacity` buckets are kept; a new key beyond it evicts the least recently used bucket,
/// one at a time (issue 19 L3: dropping thousands at once let fresh peer ids reset every limit).
/// Recency is a use counter, so buckets touched in the same millisecond are still ordered.
public struct PeerRateLimiter: Sendable {
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
    public let capacity: Int
    public static let maxBuckets = 10_000

    public init(capacity: Int = PeerRateLimiter.maxBuckets) {
        self.capacity = max(1, capacity)
    }

    public var count: Int { buckets.count }

    /// Takes one token for `key` (refilled at `perSecond`, at most `burst`); false when the bucket is empty.
    public mutating func allow(_ key: String, perSecond: Double, burst: Double, now: UInt64) -> Bool {
        if buckets[key] == nil, buckets.count >= capacity { evictLeastRecentlyUsed() }
        uses += 1
        var bucket = buckets[key] ?? Bucket(tokens: burst, updatedAtMilliseconds: now, lastUse: uses)
        let elapsed = Double(now &- min(now, bucket.updatedAtMilliseconds)) / 1000
        bucket.tokens = min(burst, bucket.tokens + elapsed * perSecond)
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
