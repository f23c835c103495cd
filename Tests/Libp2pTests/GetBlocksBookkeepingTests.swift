// SPDX-License-Identifier: Apache-2.0
@testable import KoinosP2P

import Testing

/// The peer-RPC server's GetBlocks bookkeeping without sockets: its own per-peer budget on top of
/// the general one, and the short-lived answer cache (expiry, byte bound, oldest out first).
struct GetBlocksBookkeepingTests {
    static let blocks = PeerRPCRequest.getBlocks(headBlockID: [0x12, 0x20, 1], startHeight: 1, count: 10)

    @Test func getBlocksHasASmallerBudgetThanOtherCalls() {
        var limits = KoinosPeerRPCServer.Limits()
        limits.burst = 10
        limits.callsPerSecond = 10
        limits.blockBurst = 2
        limits.blockCallsPerSecond = 1
        var state = PeerRPCServerState(limits: limits)
        let burst = (0..<3).map { _ in state.admit(peer: "a", request: Self.blocks, nowMs: 0) }
        #expect(burst == [true, true, false])  // the blocks budget is spent…
        let head = state.admit(peer: "a", request: .getHeadBlock, nowMs: 0)
        #expect(head)  // …other calls still have theirs
        let otherPeer = state.admit(peer: "b", request: Self.blocks, nowMs: 0)
        #expect(otherPeer)
        let refilled = state.admit(peer: "a", request: Self.blocks, nowMs: 1_000)
        #expect(refilled)
        // A peer whose general budget is spent gets no GetBlocks either.
        for _ in 0..<10 { _ = state.admit(peer: "c", request: .getChainID, nowMs: 0) }
        let spent = state.admit(peer: "c", request: Self.blocks, nowMs: 0)
        #expect(!spent)
    }

    @Test func answersExpireAndTheCacheStaysWithinItsBytes() {
        var cache = BlocksReplyCache(ttlMs: 1_000, maxBytes: 100)
        let key = { (start: UInt64) in BlocksReplyCache.Key(headBlockID: [1], startHeight: start, count: 2) }
        cache.put(key(1), [[UInt8](repeating: 1, count: 30), [UInt8](repeating: 2, count: 10)], nowMs: 0)
        #expect(cache.get(key(1), nowMs: 999)?.count == 2)
        #expect(cache.get(key(1), nowMs: 1_000) == nil)  // expired
        #expect(cache.get(key(2), nowMs: 0) == nil)
        cache.put(key(2), [[UInt8](repeating: 3, count: 50)], nowMs: 10)
        #expect(cache.bytes == 90)
        cache.put(key(3), [[UInt8](repeating: 4, count: 40)], nowMs: 20)  // 130 > 100: the oldest goes
        #expect(cache.get(key(1), nowMs: 20) == nil)
        #expect(cache.get(key(2), nowMs: 20) != nil && cache.get(key(3), nowMs: 20) != nil)
        #expect(cache.bytes == 90 && cache.count == 2)
        cache.put(key(4), [[UInt8](repeating: 5, count: 101)], nowMs: 30)  // larger than the cache: not kept
        #expect(cache.get(key(4), nowMs: 30) == nil && cache.bytes == 90)
        cache.put(key(5), [[UInt8](repeating: 6, count: 10)], nowMs: 2_000)  // both others expired: dropped
        #expect(cache.count == 1 && cache.bytes == 10)
        cache.put(key(5), [[UInt8](repeating: 7, count: 20)], nowMs: 2_001)  // replaced, not counted twice
        #expect(cache.count == 1 && cache.bytes == 20 && cache.get(key(5), nowMs: 2_001)?.first?.first == 7)
    }
}
