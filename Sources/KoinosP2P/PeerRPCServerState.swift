// SPDX-License-Identifier: Apache-2.0
import Primitives

/// The peer-RPC server's bookkeeping, pure: per-peer call budgets (the shared `PeerRateLimiter`),
/// a second, smaller budget for `GetBlocks`, the number of backend calls in flight, and the cached answers.
/// Every decision takes `now` in milliseconds.
struct PeerRPCServerState {
    let limits: KoinosPeerRPCServer.Limits
    private var budgets: PeerRateLimiter
    private(set) var inFlight = 0
    var chainID: [UInt8]?
    var head: (value: (id: [UInt8], height: UInt64), expiresMs: UInt64)?
    /// The backend fetches under way: callers that miss the cache together share one call.
    var chainIDFetch: Task<[UInt8], any Error>?
    var headFetch: Task<(id: [UInt8], height: UInt64), any Error>?
    var blocks: BlocksReplyCache

    init(limits: KoinosPeerRPCServer.Limits) {
        self.limits = limits
        budgets = PeerRateLimiter(capacity: limits.trackedPeers)
        blocks = BlocksReplyCache(ttlMs: limits.blocksCacheMilliseconds, maxBytes: limits.blocksCacheBytes)
    }

    /// Peers whose budgets are remembered.
    var trackedPeers: Int { budgets.count }

    /// Spends one call of `peer`'s budget; false when the peer is over its rate.
    mutating func admit(peer: String, nowMs: UInt64) -> Bool {
        budgets.allow(peer, perSecond: limits.callsPerSecond, burst: Double(limits.burst), now: nowMs)
    }

    /// Spends one call of `peer`'s budget, and for `GetBlocks` one of its blocks budget too;
    /// false when either is spent.
    mutating func admit(peer: String, request: PeerRPCRequest, nowMs: UInt64) -> Bool {
        guard admit(peer: peer, nowMs: nowMs) else { return false }
        guard case .getBlocks = request else { return true }
        return budgets.allow(peer + "|GetBlocks", perSecond: limits.blockCallsPerSecond, burst: Double(limits.blockBurst), now: nowMs)
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
