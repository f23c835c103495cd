// SPDX-License-Identifier: Apache-2.0

/// When an admin service re-reads a contract's validator set from the chain (the Ethereum bridge:
/// `getValidatorsLength` plus one `validators(i)` call each). Both bridge contracts change their set
/// only through an admin action, and every admin action increments the shared nonce the service
/// reads at each tick anyway, so the set is read again when the nonce moved — and, in case a
/// re-org replaced one action by another at the same nonce, at least every `maxAgeMilliseconds`.
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

    /// True when the set must be read now: never read, the nonce moved (or was unknown at the last
    /// read and is known now), or the last read is `maxAgeMilliseconds` old. A nonce that could not
    /// be read (`nil`) makes only age count.
    public func isDue(chainNonce: UInt64?, atMilliseconds now: UInt64) -> Bool {
        guard let last = lastNonceRead else { return true }
        if let chainNonce, chainNonce != last.nonce { return true }
        return now >= last.at &+ maxAgeMilliseconds || now < last.at
    }

    /// Records a successful read of the set made after reading `chainNonce`.
    public mutating func didRead(chainNonce: UInt64?, atMilliseconds now: UInt64) {
        lastNonceRead = NonceRead(nonce: chainNonce, at: now)
    }
}
