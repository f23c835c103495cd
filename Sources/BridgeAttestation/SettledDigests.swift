// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import Synchronization

/// Thread-safe view of which signatures are no longer useful, shared by the aggregator (writer)
/// and the gossip validation path (reader): per digest, the current submission set's members.
///
/// Bounded: at most `capacity` digests are kept; past it the digest recorded longest ago goes
/// first (an update counts as recording again). A node runs for months and settles every
/// transfer it sees, so without the bound the set would only grow. Forgetting an old digest costs
/// little: a late signature for it is then validated and handled again instead of dropped early.
public final class SettledDigests: SettledDigestLookup {
    /// The default bound: months of traffic at a busy bridge, a few MiB of memory at most.
    public static let defaultCapacity = 50_000

    private struct State {
        /// Digest → (submission-set members (sorted; empty = final), when it was recorded).
        var digests: [DigestKey: (members: [[UInt8]], stamp: UInt64)] = [:]
        /// Recording order: (digest, stamp). Entries whose stamp no longer matches are stale.
        var order: [(digest: DigestKey, stamp: UInt64)] = []
        /// Index of the oldest live position in `order`.
        var head = 0
        var nextStamp: UInt64 = 0

        mutating func record(_ digest: DigestKey, members: [[UInt8]], capacity: Int) {
            nextStamp += 1
            digests[digest] = (members, nextStamp)
            order.append((digest, nextStamp))
            while digests.count > capacity, head < order.count {
                let oldest = order[head]
                head += 1
                if digests[oldest.digest]?.stamp == oldest.stamp { digests.removeValue(forKey: oldest.digest) }
            }
            compactIfSparse()
        }

        /// Drops consumed and stale positions once they outnumber the live digests, so `order`
        /// stays within a small multiple of `capacity`.
        mutating func compactIfSparse() {
            guard order.count > 64, order.count - head > 2 * max(digests.count, 16) || head > order.count / 2 else { return }
            order = order[head...].filter { digests[$0.digest]?.stamp == $0.stamp }
            head = 0
        }
    }

    public let capacity: Int
    private let state = Mutex(State())

    public init(capacity: Int = SettledDigests.defaultCapacity) {
        precondition(capacity > 0, "a settled-digest set needs room for one digest")
        self.capacity = capacity
    }

    public func isSettled(_ digest: [UInt8], validator: [UInt8]) -> Bool {
        let key = DigestKey(digest)
        return state.withLock { state in
            guard let members = state.digests[key]?.members else { return false }
            guard let last = members.last else { return true }
            return members.contains(validator) || !validator.lexicographicallyPrecedes(last)
        }
    }

    /// Records the submission set of `digest` (quorum reached or its set improved).
    func update(_ digest: [UInt8], members: [[UInt8]]) {
        let capacity = self.capacity
        state.withLock { $0.record(DigestKey(digest), members: members, capacity: capacity) }
    }

    /// Nothing more is wanted for `digest`.
    func finalize(_ digest: [UInt8]) {
        let capacity = self.capacity
        state.withLock { $0.record(DigestKey(digest), members: [], capacity: capacity) }
    }

    func remove(_ digest: [UInt8]) {
        state.withLock { state in
            _ = state.digests.removeValue(forKey: DigestKey(digest))
            state.compactIfSparse()
        }
    }

    public var count: Int { state.withLock { $0.digests.count } }

    /// Positions kept for the eviction order (live and not yet compacted); tests check its bound.
    var trackedPositions: Int { state.withLock { $0.order.count - $0.head } }
}
