// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import Synchronization

/// Thread-safe view of which signatures are no longer useful, shared by the aggregator (writer)
/// and the gossip validation path (reader): per digest, the current submission set's members.
public final class SettledDigests: SettledDigestLookup {
    /// Digest → submission-set members (sorted); empty array = final (given up or long settled).
    private let digests = Mutex<[[UInt8]: [[UInt8]]]>([:])

    public init() {}

    public func isSettled(_ digest: [UInt8], validator: [UInt8]) -> Bool {
        digests.withLock { map in
            guard let members = map[digest] else { return false }
            guard let last = members.last else { return true }
            return members.contains(validator) || !validator.lexicographicallyPrecedes(last)
        }
    }

    /// Records the submission set of `digest` (quorum reached or its set improved).
    func update(_ digest: [UInt8], members: [[UInt8]]) { digests.withLock { $0[digest] = members } }

    /// Nothing more is wanted for `digest`.
    func finalize(_ digest: [UInt8]) { digests.withLock { $0[digest] = [] } }

    func remove(_ digest: [UInt8]) { _ = digests.withLock { $0.removeValue(forKey: digest) } }

    public var count: Int { digests.withLock { $0.count } }
}
