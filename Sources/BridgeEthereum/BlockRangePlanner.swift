// SPDX-License-Identifier: Apache-2.0

/// Plans the `eth_getLogs` windows of a catch-up: pure state, no I/O, no clock.
///
/// `nextBlock` is the first block not yet covered by a committed scan (the persisted cursor).
/// The window halves (or takes the provider's hint) when a provider refuses a range and doubles
/// back, up to `maxWindow`, after `growAfter` consecutive answers that were comfortably small.
public struct BlockRangePlanner: Sendable, Hashable {
    public private(set) var nextBlock: UInt64
    public private(set) var window: UInt64
    public let maxWindow: UInt64
    /// Consecutive accepted ranges needed before the window grows again.
    public let growAfter: Int
    /// An answer with more logs than this does not count as quiet.
    public let quietLogCount: Int
    private var quietStreak = 0

    public init(nextBlock: UInt64, maxWindow: UInt64 = 2_000, initialWindow: UInt64? = nil, growAfter: Int = 3, quietLogCount: Int = 1_000) {
        precondition(maxWindow >= 1, "a window covers at least one block")
        self.nextBlock = nextBlock
        self.maxWindow = maxWindow
        self.window = min(max(initialWindow ?? maxWindow, 1), maxWindow)
        self.growAfter = max(1, growAfter)
        self.quietLogCount = quietLogCount
    }

    /// The next range to query, ending at most at `target`; nil when caught up.
    public func nextRange(target: UInt64) -> ClosedRange<UInt64>? {
        guard nextBlock <= target else { return nil }
        let (end, overflow) = nextBlock.addingReportingOverflow(window - 1)
        return nextBlock...(overflow ? target : min(end, target))
    }

    /// A range was answered with `logCount` logs.
    public mutating func recordAnswer(logCount: Int) {
        guard logCount <= quietLogCount else {
            quietStreak = 0
            return
        }
        quietStreak += 1
        if quietStreak >= growAfter, window < maxWindow {
            window = min(maxWindow, window * 2)
            quietStreak = 0
        }
    }

    /// The provider refused `range`; `suggestedToBlock` is its hint of an end that fits.
    /// Returns false when the window is already a single block (nothing left to shrink).
    @discardableResult
    public mutating func recordRefusal(of range: ClosedRange<UInt64>, suggestedToBlock: UInt64? = nil) -> Bool {
        quietStreak = 0
        let current = UInt64(range.count)
        guard current > 1 else { return false }
        if let hint = suggestedToBlock, hint >= range.lowerBound, hint < range.upperBound {
            window = max(1, hint - range.lowerBound + 1)
        } else {
            window = max(1, current / 2)
        }
        return true
    }

    /// Everything below `block` is committed (the cursor moved). Never moves backwards.
    public mutating func advance(to block: UInt64) {
        nextBlock = max(nextBlock, block)
    }
}
