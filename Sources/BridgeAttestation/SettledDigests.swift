// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import Synchronization

/// Thread-safe set of digests that reached quorum or were given up, shared by the aggregator
/// (writer) and the gossip validation path (reader).
public final class SettledDigests: SettledDigestLookup {
    private let digests = Mutex<Set<[UInt8]>>([])

    public init() {}

    public func isSettled(_ digest: [UInt8]) -> Bool { digests.withLock { $0.contains(digest) } }

    func insert(_ digest: [UInt8]) { _ = digests.withLock { $0.insert(digest) } }

    func remove(_ digest: [UInt8]) { _ = digests.withLock { $0.remove(digest) } }

    public var count: Int { digests.withLock { $0.count } }
}
