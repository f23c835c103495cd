// SPDX-License-Identifier: Apache-2.0
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The system wall clock in Unix milliseconds: the one production `BridgeClock` (tests and the
/// benchmarks' in-process nodes use `VirtualClock`, which `BridgeTesting` holds).
public struct SystemBridgeClock: BridgeClock {
    public init() {}

    public var nowMilliseconds: UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return UInt64(max(0, now.tv_sec)) * 1_000 + UInt64(max(0, now.tv_nsec)) / 1_000_000
    }
}
