// SPDX-License-Identifier: Apache-2.0

/// What the watcher knows about one RPC endpoint; pure value, ranked by `EndpointHealth.rank`.
///
/// Signals: consecutive errors (an erroring endpoint is quarantined for a growing time), an
/// exponentially weighted latency, a head that stops moving while another endpoint's advances
/// (a hung node), and a wrong chain id (permanently excluded).
public struct EndpointHealth: Sendable, Hashable {
    /// Index in the configured list: the only identity used in logs and metric labels, so
    /// private provider URLs never leak into dashboards.
    public let index: Int
    public private(set) var consecutiveErrors = 0
    public private(set) var totalErrors = 0
    /// Smoothed latency in milliseconds (nil until the first answer).
    public private(set) var latencyMs: Double?
    public private(set) var quarantinedUntilMs: UInt64 = 0
    /// Set when `eth_chainId` disagreed with the configuration: never used again.
    public private(set) var wrongChain = false
    /// The chain id such an endpoint serves instead (for the start-up message).
    public private(set) var servedChainID: UInt64?
    /// True once `eth_chainId` matched since the last switch to this endpoint.
    public var chainVerified = false
    public private(set) var head: UInt64?
    public private(set) var headChangedAtMs: UInt64 = 0

    public init(index: Int) { self.index = index }

    /// A successful answer after `latencyMs`.
    public mutating func recordSuccess(latencyMs sample: Double) {
        consecutiveErrors = 0
        quarantinedUntilMs = 0
        latencyMs = latencyMs.map { 0.8 * $0 + 0.2 * sample } ?? sample
    }

    /// A failed call at `nowMs`: quarantine for 1 s, 2 s, 4 s … up to `maxQuarantineMs`.
    public mutating func recordError(nowMs: UInt64, maxQuarantineMs: UInt64 = 60_000) {
        consecutiveErrors += 1
        totalErrors += 1
        let backoff = min(maxQuarantineMs, 1_000 << UInt64(min(consecutiveErrors - 1, 16)))
        quarantinedUntilMs = nowMs + backoff
    }

    /// `eth_chainId` answered `served`, not the configured chain.
    public mutating func recordWrongChain(served: UInt64? = nil) {
        wrongChain = true
        servedChainID = served
        chainVerified = false
    }

    /// The endpoint reported `latest = head` at `nowMs`.
    public mutating func recordHead(_ newHead: UInt64, nowMs: UInt64) {
        if head == nil || newHead > head! {
            headChangedAtMs = nowMs
        }
        head = max(head ?? 0, newHead)
    }

    /// True when the head has not moved for `stallMs` while `bestHead` (another endpoint's) is ahead.
    public func isFrozen(nowMs: UInt64, bestHead: UInt64, stallMs: UInt64) -> Bool {
        guard let head, head < bestHead else { return false }
        return nowMs >= headChangedAtMs + stallMs
    }

    public func isQuarantined(nowMs: UInt64) -> Bool { nowMs < quarantinedUntilMs }

    /// 0 = healthy, 1 = frozen head, 2 = quarantined after errors, 3 = both.
    public func tier(nowMs: UInt64, bestHead: UInt64, stallMs: UInt64) -> Int {
        (isQuarantined(nowMs: nowMs) ? 2 : 0) + (isFrozen(nowMs: nowMs, bestHead: bestHead, stallMs: stallMs) ? 1 : 0)
    }

    /// The highest head any endpoint of the right chain reported.
    public static func bestHead(_ endpoints: [EndpointHealth]) -> UInt64 {
        endpoints.filter { !$0.wrongChain }.compactMap(\.head).max() ?? 0
    }

    /// Sort key, smaller is better: usable before quarantined before frozen; then fewer errors,
    /// then lower latency, then configuration order. Wrong-chain endpoints are not ranked at all.
    public static func rank(_ endpoints: [EndpointHealth], nowMs: UInt64, stallMs: UInt64) -> [Int] {
        let bestHead = bestHead(endpoints)
        func key(_ e: EndpointHealth) -> (Int, Int, Double, Int) {
            (e.tier(nowMs: nowMs, bestHead: bestHead, stallMs: stallMs), e.consecutiveErrors, e.latencyMs ?? 0, e.index)
        }
        return endpoints.filter { !$0.wrongChain }.sorted { key($0) < key($1) }.map(\.index)
    }
}
