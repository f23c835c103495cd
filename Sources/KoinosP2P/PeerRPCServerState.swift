// SPDX-License-Identifier: Apache-2.0

/// The peer-RPC server's bookkeeping, pure: per-peer call budgets (token buckets, least recently
/// used evicted one at a time), the number of backend calls in flight, and the cached answers.
/// Every decision takes `now` in milliseconds.
struct PeerRPCServerState {
    struct Bucket {
        var tokens: Double
        var updatedMs: UInt64
    }

    let limits: KoinosPeerRPCServer.Limits
    private(set) var buckets: [String: Bucket] = [:]
    /// Peers in least-recently-used order (front = oldest).
    private var recency: [String] = []
    private(set) var inFlight = 0
    var chainID: [UInt8]?
    var head: (value: (id: [UInt8], height: UInt64), expiresMs: UInt64)?
    /// The backend fetches under way: callers that miss the cache together share one call.
    var chainIDFetch: Task<[UInt8], any Error>?
    var headFetch: Task<(id: [UInt8], height: UInt64), any Error>?

    init(limits: KoinosPeerRPCServer.Limits) { self.limits = limits }

    /// Spends one call of `peer`'s budget; false when the peer is over its rate.
    mutating func admit(peer: String, nowMs: UInt64) -> Bool {
        var bucket = buckets[peer] ?? Bucket(tokens: Double(limits.burst), updatedMs: nowMs)
        let elapsed = Double(nowMs &- min(nowMs, bucket.updatedMs)) / 1_000
        bucket.tokens = min(Double(limits.burst), bucket.tokens + elapsed * limits.callsPerSecond)
        bucket.updatedMs = nowMs
        let admitted = bucket.tokens >= 1
        if admitted { bucket.tokens -= 1 }
        touch(peer)
        buckets[peer] = bucket
        while buckets.count > limits.trackedPeers, let oldest = recency.first {
            recency.removeFirst()
            buckets[oldest] = nil
        }
        return admitted
    }

    private mutating func touch(_ peer: String) {
        if let index = recency.lastIndex(of: peer) { recency.remove(at: index) }
        recency.append(peer)
    }

    /// Takes a backend slot; false when `maxConcurrentCalls` are already running.
    mutating func beginCall() -> Bool {
        guard inFlight < limits.maxConcurrentCalls else { return false }
        inFlight += 1
        return true
    }

    mutating func endCall() { inFlight -= 1 }

    func cachedHead(nowMs: UInt64) -> (id: [UInt8], height: UInt64)? {
        guard let head, head.expiresMs > nowMs else { return nil }
        return head.value
    }
}
