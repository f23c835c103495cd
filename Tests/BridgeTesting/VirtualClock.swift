// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import Synchronization

/// A manually advanced clock: every timer in the tests (and the in-process benchmarks) moves only
/// when the caller says so.
public final class VirtualClock: BridgeClock {
    private let now: Mutex<UInt64>

    public init(startMilliseconds: UInt64 = 1_700_000_000_000) { now = Mutex(startMilliseconds) }

    public var nowMilliseconds: UInt64 { now.withLock { $0 } }

    public func advance(milliseconds: UInt64) { now.withLock { $0 += milliseconds } }
}
