// SPDX-License-Identifier: Apache-2.0

/// When to ask peers for their signatures of a Koinos lock this node signed that is still below
/// quorum (pure; `KoinosSignatureExchange.catchUp` reads the locks and sends the requests).
///
/// A digest is first asked for `firstAfterMs` after this node first saw it pending (the peers'
/// gossip usually arrives before), then again after `retryAfterMs`, doubling, at most `maxAsks`
/// times; the periodic re-publication of every node's own signatures remains the fallback. A digest
/// no longer pending is forgotten; at most `capacity` digests are tracked (the oldest go first).
public struct KoinosCatchUpSchedule: Sendable {
    public var firstAfterMs: UInt64 = 2_000
    public var retryAfterMs: UInt64 = 5_000
    public var maxAsks = 5
    public var capacity = 4_096

    struct Entry: Sendable {
        var sinceMs: UInt64
        var asks = 0
        var lastAskMs: UInt64 = 0
    }

    private var entries: [[UInt8]: Entry] = [:]

    public init() {}

    public var tracked: Int { entries.count }

    /// The digests to ask for now (at most `limit`, longest pending first), given those pending
    /// now; marks them asked.
    public mutating func due(pending: [[UInt8]], nowMs: UInt64, limit: Int) -> [[UInt8]] {
        let current = Set(pending)
        entries = entries.filter { current.contains($0.key) }
        for digest in pending where entries[digest] == nil && entries.count < capacity {
            entries[digest] = Entry(sinceMs: nowMs)
        }
        let ready = entries.filter { _, e in
            guard e.asks < maxAsks else { return false }
            if e.asks == 0 { return nowMs >= e.sinceMs &+ firstAfterMs }
            return nowMs >= e.lastAskMs &+ (retryAfterMs << UInt64(min(e.asks - 1, 16)))
        }
        let chosen = ready.sorted { a, b in
            a.value.sinceMs != b.value.sinceMs ? a.value.sinceMs < b.value.sinceMs : a.key.lexicographicallyPrecedes(b.key)
        }.prefix(max(0, limit)).map(\.key)
        for digest in chosen {
            entries[digest]?.asks += 1
            entries[digest]?.lastAskMs = nowMs
        }
        return chosen
    }
}
