// SPDX-License-Identifier: Apache-2.0

/// The outflow governor (Wormhole's governor, per token): a pure decision from the policy, the
/// decided history and the transfer's SOURCE block time, so validators with the same
/// configuration and the same chain decide the same, whatever their wall clocks say.
///
/// - A transfer above the single-transfer threshold (or alone above the daily limit) waits the
///   big-transfer delay from its source time; it is not counted in the window.
/// - Otherwise it is counted in the rolling window `(r − window, r]` at the instant `r` it may be
///   signed: its source time when the window has room, else the earliest instant the window frees
///   enough. Queued transfers are released first in first out, so `r` is never before the last
///   counted instant, and the window never holds more than the daily limit.
///
/// Sums are 128-bit: no amount history can overflow them.
public struct Governor: Sendable {
    public let policy: GovernorPolicy
    /// Counted entries per token, in the order of their effective instant.
    private var windows: [[UInt8]: TokenWindow] = [:]

    /// One token's counted entries; `entries[head...]` may still be in the window and sum to `live`.
    struct TokenWindow: Sendable {
        var entries: [GovernorEntry] = []
        var head = 0
        var live: UInt128 = 0
    }

    /// - Parameter history: decided transfers (any order; those outside every window are ignored).
    public init(policy: GovernorPolicy, history: [GovernorEntry] = []) {
        self.policy = policy
        var grouped: [[UInt8]: [GovernorEntry]] = [:]
        for entry in history where entry.countsInWindow && policy.tokens[entry.transfer.token] != nil {
            grouped[entry.transfer.token, default: []].append(entry)
        }
        for (token, entries) in grouped {
            let sorted = entries.sorted(by: Self.effectiveOrder)
            windows[token] = TokenWindow(entries: sorted, live: sorted.reduce(into: UInt128(0)) { $0 += UInt128($1.transfer.amount) })
        }
    }

    /// Decides `transfer` and adds it to the history; nil when its token is not governed.
    /// Call in source order (`sourceOrder`): the decision depends on what came before.
    public mutating func decide(_ transfer: GovernedTransfer) -> GovernorDecision? {
        guard let limits = policy.tokens[transfer.token] else { return nil }
        let time = transfer.sourceTimeMilliseconds
        if transfer.amount > limits.singleTransferThreshold || transfer.amount > limits.dailyLimit {
            let (release, overflow) = time.addingReportingOverflow(limits.bigTransferDelayMilliseconds)
            return .delayed(releaseAtMilliseconds: overflow ? .max : release, reason: .bigTransfer)
        }
        var window = windows.removeValue(forKey: transfer.token) ?? TokenWindow()
        let start = max(time, window.entries.last?.effectiveMilliseconds ?? 0)
        // Entries that left the window by `start` never count again (`start` never goes back).
        while window.head < window.entries.count, !inWindow(window.entries[window.head].effectiveMilliseconds, at: start) {
            window.live -= UInt128(window.entries[window.head].transfer.amount)
            window.head += 1
        }
        if window.head > 1_024 && window.head * 2 > window.entries.count {
            window.entries.removeFirst(window.head)
            window.head = 0
        }
        let release = earliestFit(amount: transfer.amount, limit: limits.dailyLimit, from: start, window: window)
        let decision: GovernorDecision = release == time ? .signNow : .delayed(releaseAtMilliseconds: release, reason: .dailyLimit)
        window.entries.append(GovernorEntry(transfer: transfer, decision: decision))
        window.live += UInt128(transfer.amount)
        windows[transfer.token] = window
        return decision
    }

    /// Amount counted in the window ending at `instant` (inclusive) for `token` (an instant at or
    /// after the last decision's: entries that left the window before it are forgotten).
    public func used(token: [UInt8], atMilliseconds instant: UInt64) -> UInt128 {
        guard let window = windows[token] else { return 0 }
        return window.entries[window.head...].reduce(into: UInt128(0)) { sum, entry in
            if entry.effectiveMilliseconds <= instant && inWindow(entry.effectiveMilliseconds, at: instant) {
                sum += UInt128(entry.transfer.amount)
            }
        }
    }

    /// The order transfers must be decided in: source time, then id.
    public static func sourceOrder(_ a: GovernedTransfer, _ b: GovernedTransfer) -> Bool {
        a.sourceTimeMilliseconds != b.sourceTimeMilliseconds ? a.sourceTimeMilliseconds < b.sourceTimeMilliseconds : a.id < b.id
    }

    static func effectiveOrder(_ a: GovernorEntry, _ b: GovernorEntry) -> Bool {
        a.effectiveMilliseconds != b.effectiveMilliseconds
            ? a.effectiveMilliseconds < b.effectiveMilliseconds : sourceOrder(a.transfer, b.transfer)
    }

    /// Whether something counted at `effective` is still inside the window ending at `instant`.
    private func inWindow(_ effective: UInt64, at instant: UInt64) -> Bool {
        let (end, overflow) = effective.addingReportingOverflow(policy.windowMilliseconds)
        return overflow || end > instant
    }

    /// The first instant ≥ `start` at which `amount` fits beside what is still in the window.
    /// The window's live entries are in effective order, each at or before `start`.
    private func earliestFit(amount: UInt64, limit: UInt64, from start: UInt64, window: TokenWindow) -> UInt64 {
        let room = UInt128(limit - amount)  // amount ≤ limit here
        var sum = window.live
        if sum <= room { return start }
        let entries = window.entries
        var index = window.head
        while index < entries.count {
            let entry = entries[index]
            sum -= UInt128(entry.transfer.amount)
            index += 1
            // Entries sharing an instant leave the window together.
            if index < entries.count, entries[index].effectiveMilliseconds == entry.effectiveMilliseconds { continue }
            if sum <= room {
                let (leaves, overflow) = entry.effectiveMilliseconds.addingReportingOverflow(policy.windowMilliseconds)
                return overflow ? .max : max(leaves, start)
            }
        }
        return start  // unreachable: an empty window always has room for amount ≤ limit
    }
}
