// SPDX-License-Identifier: Apache-2.0
import BridgeCore

/// One token bucket per validator for the signatures its messages make us recover (batch items
/// and attestation members): a dishonest validator can make each node do at most `perSecond`
/// recoveries on its behalf (after a burst), however many messages and peer ids it uses.
///
/// Keyed by the envelope's validator after the envelope signature was checked, so only set
/// members have a bucket: its size is bounded by the validator set.
struct ValidatorItemBudget: Sendable {
    private struct Bucket: Sendable {
        var tokens: Double
        var updatedAtMilliseconds: UInt64
    }

    private var buckets: [[UInt8]: Bucket] = [:]

    /// Takes `items` tokens from `validator`'s bucket; false (nothing taken) when it holds fewer.
    mutating func take(_ items: Int, validator: [UInt8], limit: BridgeGossipConfiguration.RateLimit, now: UInt64) -> Bool {
        guard items > 0 else { return true }
        var bucket = buckets[validator] ?? Bucket(tokens: limit.burst, updatedAtMilliseconds: now)
        let elapsed = Double(now &- min(now, bucket.updatedAtMilliseconds)) / 1000
        bucket.tokens = min(limit.burst, bucket.tokens + elapsed * limit.perSecond)
        bucket.updatedAtMilliseconds = max(now, bucket.updatedAtMilliseconds)
        let allowed = bucket.tokens >= Double(items)
        if allowed { bucket.tokens -= Double(items) }
        buckets[validator] = bucket
        return allowed
    }

    /// Drops buckets of validators no longer in the set.
    mutating func retain(_ isMember: ([UInt8]) -> Bool) { buckets = buckets.filter { isMember($0.key) } }
}

/// Digests we signed ourselves (seen as they are published), newest `capacity` kept: gossip
/// about other digests is handed to the aggregator but not relayed to other peers.
struct OwnDigests: Sendable {
    let capacity: Int
    private var members: Set<DigestKey> = []
    private var order: [DigestKey] = []
    private var head = 0

    init(capacity: Int) { self.capacity = max(1, capacity) }

    func contains(_ digest: [UInt8]) -> Bool { members.contains(DigestKey(digest)) }

    mutating func insert(_ digest: [UInt8]) {
        let key = DigestKey(digest)
        guard members.insert(key).inserted else { return }
        order.append(key)
        if members.count > capacity {
            members.remove(order[head])
            head += 1
            if head > capacity { order.removeFirst(head); head = 0 }
        }
    }
}
