// SPDX-License-Identifier: Apache-2.0

/// The recent-message cache behind IHAVE/IWANT (gossipsub v1.0 `mcache`).
///
/// Holds `historyLength` windows of message ids; `shift()` (every heartbeat) drops the oldest
/// window and its messages. Gossip advertises only the newest `historyGossip` windows. Per-peer
/// IWANT counts cap retransmissions (go: `GossipRetransmission` = 3).
struct MessageCache {
    struct Entry {
        var message: GossipsubMessage
        var transmissions: [GossipPeerID: Int] = [:]
    }

    private(set) var messages: [[UInt8]: Entry] = [:]
    private var windows: [[(id: [UInt8], topic: String)]]
    let historyGossip: Int

    init(historyLength: Int, historyGossip: Int) {
        precondition(historyLength >= 1 && historyGossip <= historyLength)
        windows = Array(repeating: [], count: historyLength)
        self.historyGossip = historyGossip
    }

    mutating func put(id: [UInt8], message: GossipsubMessage) {
        guard messages[id] == nil else { return }
        messages[id] = Entry(message: message)
        windows[0].append((id, message.topic))
    }

    func get(_ id: [UInt8]) -> GossipsubMessage? { messages[id]?.message }

    /// Returns the message for an IWANT from `peer`, unless it was already sent to that peer `limit` times.
    mutating func getForPeer(_ id: [UInt8], peer: GossipPeerID, limit: Int) -> GossipsubMessage? {
        guard var entry = messages[id] else { return nil }
        let count = entry.transmissions[peer, default: 0] + 1
        guard count <= limit else { return nil }
        entry.transmissions[peer] = count
        messages[id] = entry
        return entry.message
    }

    /// Ids of the gossip windows for `topic`, newest first.
    func gossipIDs(topic: String) -> [[UInt8]] {
        windows.prefix(historyGossip).flatMap { $0.filter { $0.topic == topic }.map(\.id) }
    }

    mutating func shift() {
        for entry in windows.removeLast() { messages[entry.id] = nil }
        windows.insert([], at: 0)
    }
}

/// A time cache of ids already seen (go: `TimeCacheDuration`; Koinos 30 s), so duplicates are dropped.
struct SeenCache {
    private var expiries: [[UInt8]: Duration] = [:]
    private var order: [(id: [UInt8], expiry: Duration)] = []
    private var orderStart = 0
    let ttl: Duration

    init(ttl: Duration) { self.ttl = ttl }

    var count: Int { expiries.count }

    func contains(_ id: [UInt8]) -> Bool { expiries[id] != nil }

    /// Records `id`; returns false when it was already present.
    @discardableResult
    mutating func insert(_ id: [UInt8], now: Duration) -> Bool {
        guard expiries[id] == nil else { return false }
        let expiry = now + ttl
        expiries[id] = expiry
        order.append((id, expiry))
        return true
    }

    mutating func expire(now: Duration) {
        while orderStart < order.count, order[orderStart].expiry <= now {
            expiries[order[orderStart].id] = nil
            orderStart += 1
        }
        if orderStart > 1024, orderStart * 2 > order.count {
            order.removeFirst(orderStart)
            orderStart = 0
        }
    }
}
