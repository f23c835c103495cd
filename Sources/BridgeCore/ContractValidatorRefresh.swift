// SPDX-License-Identifier: Apache-2.0

/// When a contract's validator set is read again from the chain (the Ethereum bridge:
/// `getValidatorsLength` plus one `validators(i)` call each). Both bridge contracts change their set
/// only through an admin action, and every admin action increments the shared nonce (one call to
/// read), so the set is read again when the nonce moved — and, in case a re-org replaced one action
/// by another at the same nonce, at least every `maxAgeMilliseconds`. Used by the Ethereum admin
/// service (every 5 s tick) and the Koinos → Ethereum signer (every round).
public struct ContractValidatorRefresh: Sendable, Hashable {
    public static let defaultMaxAgeMilliseconds: UInt64 = 60_000

    public let maxAgeMilliseconds: UInt64
    /// The nonce read just before the last successful read of the set, and when that was.
    private var lastNonceRead: NonceRead?

    private struct NonceRead: Sendable, Hashable {
        var nonce: UInt64?
        var at: UInt64
    }

    public init(maxAgeMilliseconds: UInt64 = Self.defaultMaxAgeMilliseconds) {
        self.maxAgeMilliseconds = maxAgeMilliseconds
    }

    /// True when the set must be read now: never read, the nonce could not be read (`nil`: no
    /// evidence the set is unchanged), the nonce moved, or the last read is `maxAgeMilliseconds` old
    /// (or in the future: the clock went back).
    public func isDue(chainNonce: UInt64?, atMilliseconds now: UInt64) -> Bool {
        guard let last = lastNonceRead, let chainNonce, chainNonce == last.nonce else { return true }
        return now >= last.at &+ maxAgeMilliseconds || now < last.at
    }

    /// Records a successful read of the set made after reading `chainNonce`.
    public mutating func didRead(chainNonce: UInt64?, atMilliseconds now: UInt64) {
        lastNonceRead = NonceRead(nonce: chainNonce, at: now)
    }
}
