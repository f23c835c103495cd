// SPDX-License-Identifier: Apache-2.0

/// Token buckets per (peer, message kind), driven by an injected clock.
struct PeerRateLimiter: Sendable {
    private struct Bucket: Sendable {
        var tokens: Double
        var updatedAtMilliseconds: UInt64
    }

    private var buckets: [String: Bucket] = [:]
    /// Bound on tracked buckets; the oldest half is dropped beyond it so a peer-id flood cannot grow memory.
    static let maxBuckets = 10_000

    /// Takes one token for `key`; false when the bucket is empty.
    mutating func allow(_ key: String, limit: BridgeGossipConfiguration.RateLimit, now: UInt64) -> Bool {
        var bucket = buckets[key] ?? Bucket(tokens: limit.burst, updatedAtMilliseconds: now)
        let elapsed = Double(now &- min(now, bucket.updatedAtMilliseconds)) / 1000
        bucket.tokens = min(limit.burst, bucket.tokens + elapsed * limit.perSecond)
        bucket.updatedAtMilliseconds = max(now, bucket.updatedAtMilliseconds)
        let allowed = bucket.tokens >= 1
        if allowed { bucket.tokens -= 1 }
        if buckets.count >= Self.maxBuckets, buckets[key] == nil { evictOldest() }
        buckets[key] = bucket
        return allowed
    }

    private mutating func evictOldest() {
        let keep = buckets.sorted { $0.value.updatedAtMilliseconds > $1.value.updatedAtMilliseconds }.prefix(Self.maxBuckets / 2)
        buckets = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
    }
}
