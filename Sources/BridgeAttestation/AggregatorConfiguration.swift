// SPDX-License-Identifier: Apache-2.0

/// Settings of the aggregation service.
public struct AggregatorConfiguration: Sendable {
    public var pool = AttestationPoolConfiguration()
    /// Our own signatures are flushed to gossip when this many are queued, or on the next tick.
    public var flushThreshold = 1_000
    /// Rows read from the store per signing round.
    public var signingBatchSize = 1_000
    /// Interval of the service loop (store poll, timers, 1 s batch flush) in real time.
    public var tickInterval: Duration = .seconds(1)
    /// Catch-up after a restart asks for quorum sets reached this long before the last one we stored.
    public var catchUpMarginMilliseconds: UInt64 = 10 * 60_000

    public init() {}
}
