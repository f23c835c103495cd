// SPDX-License-Identifier: Apache-2.0

/// Recent `GetBlocks` answers, pure: kept for `ttlMs` per request, at most `maxBytes` of blocks in
/// all (expired answers go first, then the oldest), so peers syncing the same range share one
/// fetch from the Koinos node. Every decision takes `now` in milliseconds.
struct BlocksReplyCache {
    struct Key: Hashable {
        var headBlockID: [UInt8]
        var startHeight: UInt64
        var count: UInt32
    }

    private struct Entry {
        var blocks: [[UInt8]]
        var bytes: Int
        var expiresMs: UInt64
    }

    let ttlMs: UInt64
    let maxBytes: Int
    private var entries: [Key: Entry] = [:]
    /// Keys oldest first (an answer replaced by a newer one moves to the end).
    private var order: [Key] = []
    /// Bytes of blocks held.
    private(set) var bytes = 0

    init(ttlMs: UInt64, maxBytes: Int) {
        self.ttlMs = ttlMs
        self.maxBytes = maxBytes
    }

    var count: Int { entries.count }

    func get(_ key: Key, nowMs: UInt64) -> [[UInt8]]? {
        guard let entry = entries[key], entry.expiresMs > nowMs else { return nil }
        return entry.blocks
    }

    /// Keeps `blocks` as the answer to `key`; an answer larger than the whole cache is not kept.
    mutating func put(_ key: Key, _ blocks: [[UInt8]], nowMs: UInt64) {
        let size = blocks.reduce(0) { $0 + $1.count }
        guard ttlMs > 0, size <= maxBytes else { return }
        remove(key)
        for stale in order where (entries[stale]?.expiresMs ?? 0) <= nowMs { remove(stale) }
        while bytes + size > maxBytes, let oldest = order.first { remove(oldest) }
        entries[key] = Entry(blocks: blocks, bytes: size, expiresMs: nowMs &+ ttlMs)
        order.append(key)
        bytes += size
    }

    private mutating func remove(_ key: Key) {
        guard let entry = entries.removeValue(forKey: key) else { return }
        bytes -= entry.bytes
        order.removeAll { $0 == key }
    }
}
