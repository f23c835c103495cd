// SPDX-License-Identifier: Apache-2.0
import NIOCore
import Synchronization

/// Rendered JSON bodies of attestation views, keyed by request and tagged with the store's
/// attestation generation when they were read.
///
/// An entry is served only while the store's generation is unchanged, so a cached body is never
/// older than the last committed change; the first request after any change renders afresh.
/// Bounded: the table is emptied when it reaches `capacity` (0 disables caching).
final class RenderedResponseCache: Sendable {
    private struct Entry {
        var generation: UInt64
        var body: ByteBuffer
    }

    let capacity: Int
    private let table = Mutex<[String: Entry]>([:])

    init(capacity: Int) { self.capacity = capacity }

    /// The body rendered for `key` at `generation`, if any.
    func body(for key: String, generation: UInt64?) -> ByteBuffer? {
        guard capacity > 0, let generation else { return nil }
        return table.withLock { t in
            guard let entry = t[key] else { return nil }
            return entry.generation == generation ? entry.body : nil
        }
    }

    /// Remembers `body` as rendered from a read that started at `generation`.
    func store(_ body: ByteBuffer, for key: String, generation: UInt64?) {
        guard capacity > 0, let generation else { return }
        table.withLock { t in
            if t.count >= capacity, t[key] == nil { t.removeAll(keepingCapacity: true) }
            t[key] = Entry(generation: generation, body: body)
        }
    }
}
