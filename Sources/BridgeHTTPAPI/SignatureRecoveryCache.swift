// SPDX-License-Identifier: Apache-2.0
import ChainCrypto
import Synchronization

/// Recovers the Koinos address behind a stored signature, remembering results.
///
/// Recovery is deterministic for a (digest, signature) pair, so answers never go stale; the table
/// is bounded and simply emptied when full.
final class SignatureRecoveryCache: Sendable {
    /// Most (digest, signature) pairs remembered before the table is emptied (0: none, every call recovers).
    let capacity: Int

    private struct Key: Hashable {
        var digest: [UInt8]
        var signature: [UInt8]

        /// The bytes in two calls (`[UInt8]`'s own hashing feeds the hasher one byte at a time).
        func hash(into hasher: inout Hasher) {
            digest.withUnsafeBytes { hasher.combine(bytes: $0) }
            signature.withUnsafeBytes { hasher.combine(bytes: $0) }
        }
    }

    private let table = Mutex<[Key: String?]>([:])

    init(capacity: Int = 8192) { self.capacity = capacity }

    /// The base58 Koinos address `signature` recovers to over `digest`, or nil when it does not recover.
    func recover(digest: [UInt8], signature: [UInt8]) -> String? {
        guard capacity > 0 else { return KoinosSignature.recoverAddress(digest: digest, signature: signature)?.base58 }
        let key = Key(digest: digest, signature: signature)
        if let hit = table.withLock({ $0[key] }) { return hit }
        let address = KoinosSignature.recoverAddress(digest: digest, signature: signature)?.base58
        table.withLock { t in
            if t.count >= capacity { t.removeAll(keepingCapacity: true) }
            t[key] = .some(address)
        }
        return address
    }
}
