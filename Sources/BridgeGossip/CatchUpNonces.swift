// SPDX-License-Identifier: Apache-2.0

/// Nonces of the catch-up requests this node answered, per validator, until the request's
/// timestamp leaves the catch-up window: the same signed request is never answered twice.
///
/// Only requests that passed the binding check, the per-validator rate limit and the signature
/// check are admitted, so at most (validators × requests a bucket lets through per window)
/// nonces are live; `capacity` is a hard stop above that: when it is full of live nonces, new
/// requests are refused (fail closed) rather than forgetting a nonce that could then be replayed.
struct CatchUpNonces: Sendable {
    enum Admission: Sendable, Hashable {
        case fresh
        case replayed
        case full
    }

    private struct Key: Hashable, Sendable {
        let validator: [UInt8]
        let nonce: [UInt8]
    }

    let capacity: Int
    private var expiries: [Key: UInt64] = [:]

    init(capacity: Int) { self.capacity = max(1, capacity) }

    var count: Int { expiries.count }

    /// Records `nonce` of `validator` until `expiresAt` unless it was seen before.
    mutating func admit(validator: [UInt8], nonce: [UInt8], expiresAt: UInt64, now: UInt64) -> Admission {
        let key = Key(validator: validator, nonce: nonce)
        if let expiry = expiries[key], expiry >= now { return .replayed }
        if expiries.count >= capacity { expiries = expiries.filter { $0.value >= now } }
        guard expiries.count < capacity else { return .full }
        expiries[key] = expiresAt
        return .fresh
    }
}
