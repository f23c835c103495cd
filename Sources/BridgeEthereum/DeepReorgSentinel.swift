// SPDX-License-Identifier: Apache-2.0
public import BridgeCore

/// Remembers the block of every committed observation and says when to look at it again, so a
/// reorganisation deeper than the finality rule (a finalized-checkpoint failure, or more than N
/// confirmations) is noticed instead of silently leaving signed locks that no longer exist.
///
/// Pure: the watcher asks `due(final:)` which block numbers to re-read, fetches their canonical
/// hashes, and hands them to `resolve`. Each block is re-checked once, when the final block is
/// `depth` past it. Bounded: beyond `capacity` blocks the oldest are dropped (and counted).
public struct DeepReorgSentinel: Sendable {
    public let depth: UInt64
    public let capacity: Int
    private var pending: [UInt64: (hash: [UInt8], ids: [ObservationID])] = [:]
    public private(set) var dropped = 0

    public init(depth: UInt64, capacity: Int = 10_000) {
        self.depth = depth
        self.capacity = capacity
    }

    public var count: Int { pending.count }

    /// Notes committed observations (their block hash as the scan saw it).
    public mutating func track(_ observations: [LockObservation]) {
        track(observations.map { (id: $0.id, blockNumber: $0.blockNumber, blockHash: $0.blockHash) })
    }

    /// Notes observations by where they were seen (e.g. read back from the store after a restart).
    public mutating func track(_ observations: [(id: ObservationID, blockNumber: UInt64, blockHash: [UInt8])]) {
        guard depth > 0 else { return }
        for o in observations where pending[o.blockNumber]?.ids.contains(o.id) != true {
            pending[o.blockNumber, default: (o.blockHash, [])].ids.append(o.id)
        }
        while pending.count > capacity, let oldest = pending.keys.min() {
            pending[oldest] = nil
            dropped += 1
        }
    }

    /// Block numbers whose re-check is due (lowest first, at most `limit`).
    public func due(final: UInt64, limit: Int = 16) -> [UInt64] {
        guard depth > 0, final >= depth else { return [] }
        return Array(pending.keys.filter { $0 <= final - depth }.sorted().prefix(limit))
    }

    /// The observations of block `number` when its canonical hash is no longer the one they were
    /// seen in (empty when it matches); the block is forgotten either way.
    public mutating func resolve(_ number: UInt64, canonicalHash: [UInt8]?) -> [ObservationID] {
        guard let entry = pending.removeValue(forKey: number) else { return [] }
        return canonicalHash == entry.hash ? [] : entry.ids
    }
}
