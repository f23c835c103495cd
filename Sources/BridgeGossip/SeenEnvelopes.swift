// SPDX-License-Identifier: Apache-2.0

/// Signed envelopes already accepted, remembered for as long as their timestamp stays inside the
/// acceptance window (±15 min), so a replay — of a heartbeat or of anything else, e.g. by a
/// stranger re-publishing a validator's old gossipsub message once the 30 s seen cache forgot it —
/// is dropped before it spends the sender's rate-limit token or an ECDSA recovery.
///
/// Keyed by the digest the validator signed (`sha256(domain ‖ payload)`), not by the signature,
/// so a malleated signature over the same payload is still a replay. Bounded: beyond `capacity`
/// the expired keys go first, then the ones closest to expiry (counted as `evictions`).
struct SeenEnvelopes: Sendable {
    /// The first 32 bytes of a digest as four words (smaller than a `[UInt8]` key).
    struct Key: Hashable, Sendable {
        let a: UInt64, b: UInt64, c: UInt64, d: UInt64

        init(_ digest: [UInt8]) {
            func word(_ i: Int) -> UInt64 {
                (0..<8).reduce(UInt64(0)) { $0 << 8 | UInt64(i * 8 + $1 < digest.count ? digest[i * 8 + $1] : 0) }
            }
            (a, b, c, d) = (word(0), word(1), word(2), word(3))
        }
    }

    let capacity: Int
    private var expiries: [Key: UInt64] = [:]
    private(set) var evictions = 0

    init(capacity: Int) { self.capacity = max(1, capacity) }

    var count: Int { expiries.count }

    /// True when `key` was accepted and its window has not passed at `now`.
    func contains(_ key: Key, now: UInt64) -> Bool { (expiries[key] ?? 0) >= now }

    /// Remembers `key` until `expiresAt`.
    mutating func insert(_ key: Key, expiresAt: UInt64, now: UInt64) {
        if expiries.count >= capacity, expiries[key] == nil { makeRoom(now: now) }
        expiries[key] = max(expiresAt, expiries[key] ?? 0)
    }

    private mutating func makeRoom(now: UInt64) {
        expiries = expiries.filter { $0.value >= now }
        guard expiries.count >= capacity else { return }
        // Still full of live keys: drop the quarter closest to expiry (amortised O(1) per insert).
        let drop = expiries.sorted { $0.value < $1.value }.prefix(max(1, capacity / 4))
        for (key, _) in drop { expiries[key] = nil }
        evictions += drop.count
    }
}
