// SPDX-License-Identifier: Apache-2.0
import ChainCrypto
import Synchronization

/// Recovers the Koinos address behind a stored signature, remembering results.
///
/// Recovery is deterministic for a (digest, signature) pair, so answers never go stale; the table
/// is bounded and simply emptied when full.
final class SignatureRecoveryCache: Sendable {
    /// Most (digest, signature) pairs remembered before the table is emptied.
    static let capacity = 8192

    private struct Key: Hashable {
        var digest: [UInt8]
        var signature: [UInt8]
    }

    private let table = Mutex<[Key: String?]>([:])

    /// The base58 Koinos address `signature` recovers to over `digest`, or nil when it does not recover.
    func recover(digest: [UInt8], signature: [UInt8]) -> String? {
        let key = Key(digest: digest, signature: signature)
        if let hit = table.withLock({ $0[key] }) { return hit }
        let address = KoinosSignature.recoverAddress(digest: digest, signature: signature)?.base58
        table.withLock { t in
            if t.count >= Self.capacity { t.removeAll(keepingCapacity: true) }
            t[key] = .some(address)
        }
        return address
    }
}
