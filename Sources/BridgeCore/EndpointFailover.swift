// SPDX-License-Identifier: Apache-2.0

/// An endpoint pool's decisions, pure: which endpoint to try next and what two endpoints' final
/// blocks mean together. The pools (Ethereum `EndpointPool`, Koinos `KoinosEndpointPool`) perform
/// the calls and record their outcomes in the endpoints' `EndpointHealth`; what they do next is
/// decided here from those values and `nowMs`. Chain-neutral, hence in BridgeCore.
public enum EndpointFailover {
    /// The endpoints to try, best first, leaving out `tried` and wrong-chain ones (`EndpointHealth.rank`).
    /// With `keepCurrent`, the current endpoint stays first while it has no error and is in the
    /// same tier as the best one: a slightly lower latency elsewhere does not make the pool flap.
    public static func order(
        _ health: [EndpointHealth], current: Int?, excluding tried: Set<Int> = [], keepCurrent: Bool, nowMs: UInt64, stallMs: UInt64
    ) -> [Int] {
        var ranked = EndpointHealth.rank(health, nowMs: nowMs, stallMs: stallMs).filter { !tried.contains($0) }
        let best = EndpointHealth.bestHead(health)
        if keepCurrent, let c = current, let first = ranked.first, c != first, ranked.contains(c), health[c].consecutiveErrors == 0,
           health[c].tier(nowMs: nowMs, bestHead: best, stallMs: stallMs) == health[first].tier(nowMs: nowMs, bestHead: best, stallMs: stallMs) {
            ranked.removeAll { $0 == c }
            ranked.insert(c, at: 0)
        }
        return ranked
    }

    /// The final block in `two_agree`: the lower of two endpoints' answers, nil when either has
    /// none, so one endpoint claiming a later final block cannot make an unfinal block final.
    public static func agreedFinal(_ a: UInt64?, _ b: UInt64?) -> UInt64? {
        guard let a, let b else { return nil }
        return min(a, b)
    }
}
