// SPDX-License-Identifier: Apache-2.0
import BridgeCore

/// Validated inbound Koinos → Ethereum signatures waiting for the Koinos lock side, oldest first.
///
/// Bounded: at most `capacity` in all and `perValidator` from one sender, so a validator that
/// gossips signatures for locks nobody observed can only push out its own older ones (and, past
/// the total, the oldest of all). What is pushed out is dropped and counted; the Koinos lock side
/// asks the peers again for the signatures of a lock it signed that stays below quorum
/// (`BridgeGossipEndpoint+KoinosCatchUp.swift`), and peers re-publish their own every 60 s.
/// One (digest, sender) pair is held once: a re-signed lock (new digest) is a new entry.
struct KoinosSignatureInbox: Sendable {
    let capacity: Int
    let perValidator: Int
    private(set) var items: [GossipedKoinosSignature] = []
    private var keys: Set<[UInt8]> = []
    private var bySender: [[UInt8]: Int] = [:]
    /// Signatures pushed out since the start.
    private(set) var dropped = 0

    init(capacity: Int, perValidator: Int) {
        self.capacity = max(1, capacity)
        self.perValidator = max(1, min(perValidator, capacity))
    }

    var count: Int { items.count }

    /// Returns how many older entries were pushed out to make room (0 or 1).
    @discardableResult
    mutating func insert(_ item: GossipedKoinosSignature) -> Int {
        guard !keys.contains(item.digest + item.sender) else { return 0 }
        var pushed = 0
        if bySender[item.sender, default: 0] >= perValidator, let oldest = items.firstIndex(where: { $0.sender == item.sender }) {
            remove(at: oldest)
            pushed = 1
        } else if items.count >= capacity {
            remove(at: 0)
            pushed = 1
        }
        items.append(item)
        keys.insert(item.digest + item.sender)
        bySender[item.sender, default: 0] += 1
        dropped += pushed
        return pushed
    }

    mutating func takeAll() -> [GossipedKoinosSignature] {
        defer {
            items = []
            keys = []
            bySender = [:]
        }
        return items
    }

    private mutating func remove(at index: Int) {
        let item = items.remove(at: index)
        keys.remove(item.digest + item.sender)
        bySender[item.sender, default: 1] -= 1
        if bySender[item.sender] == 0 { bySender[item.sender] = nil }
    }
}
