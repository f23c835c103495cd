// SPDX-License-Identifier: Apache-2.0
public import BridgeCore

/// The re-observation work list: pure state, no I/O, no clock (callers pass `nowMs`).
///
/// Peers may ask for any id, so every dimension is bounded: at most `maxLength` ids wait (more
/// are refused, not queued); an id is queued at most once per `cooldownMs`; checks are paced by
/// a token bucket (`checksPerSecond`, bursts of `burst`); an id is tried at most `maxAttempts` times.
/// The ids remembered for their cooldown are those admitted within one cooldown, so at most about
/// `maxLength + burst + checksPerSecond × cooldown` (≈ 1,500 with the defaults).
public struct ReobservationQueue: Sendable {
    /// The bounds; the defaults suit a mainnet node (no configuration key).
    public struct Limits: Sendable, Hashable {
        public var maxLength = 256
        /// An id admitted once is refused for this long (whatever its verdict was).
        public var cooldownMs: UInt64 = 10 * 60_000
        public var checksPerSecond = 2.0
        public var burst = 10.0
        /// With `retryDelayMs`: a block gets 5 minutes to become final. A peer asks only after
        /// its own first retry (5 minutes after it signed at its finality), so ours has usually caught up.
        public var maxAttempts = 10
        /// Wait before trying an id again (block not final yet, endpoints failing).
        public var retryDelayMs: UInt64 = 30_000

        public init() {}
    }

    /// What `offer` did with an id.
    public enum Admission: Sendable, Hashable {
        case queued
        /// Already waiting or being checked.
        case duplicate
        /// Admitted less than `cooldownMs` ago.
        case coolingDown
        /// `maxLength` ids are waiting: refused.
        case full
    }

    struct Entry: Sendable {
        var attempts = 0
        var dueMs: UInt64
        var inFlight = false
    }

    public let limits: Limits
    private var entries: [ObservationID: Entry] = [:]
    private var admittedAt: [ObservationID: UInt64] = [:]
    private var tokens: Double
    private var refilledAtMs: UInt64?

    public init(limits: Limits = Limits()) {
        self.limits = limits
        tokens = max(1, limits.burst)
    }

    /// Ids waiting or being checked (never more than `limits.maxLength`).
    public var count: Int { entries.count }

    /// Ids remembered for their cooldown.
    public var coolingDownCount: Int { admittedAt.count }

    /// Queues `id` unless it is waiting, cooling down, or the queue is full.
    public mutating func offer(_ id: ObservationID, nowMs: UInt64) -> Admission {
        if entries[id] != nil { return .duplicate }
        if let at = admittedAt[id], nowMs < at &+ limits.cooldownMs { return .coolingDown }
        guard entries.count < limits.maxLength else { return .full }
        entries[id] = Entry(dueMs: nowMs)
        admittedAt[id] = nowMs
        if admittedAt.count > 2 * limits.maxLength { admittedAt = admittedAt.filter { nowMs < $0.value &+ limits.cooldownMs } }
        return .queued
    }

    /// The next due id, marked in flight, when the rate allows a check now; nil otherwise.
    public mutating func next(nowMs: UInt64) -> ObservationID? {
        refill(nowMs)
        guard tokens >= 1 else { return nil }
        let due = entries.filter { !$0.value.inFlight && $0.value.dueMs <= nowMs }
        guard let id = due.min(by: { ($0.value.dueMs, $0.key) < ($1.value.dueMs, $1.key) })?.key else { return nil }
        tokens -= 1
        entries[id]?.inFlight = true
        entries[id]?.attempts += 1
        return id
    }

    /// The check of `id` reached a verdict: it leaves the queue (its cooldown stays).
    public mutating func finish(_ id: ObservationID) {
        entries[id] = nil
    }

    /// The check of `id` must be repeated later. Returns false (and drops the id) once it has had
    /// `maxAttempts` tries.
    public mutating func retryLater(_ id: ObservationID, nowMs: UInt64) -> Bool {
        guard let entry = entries[id], entry.attempts < limits.maxAttempts else {
            entries[id] = nil
            return false
        }
        entries[id] = Entry(attempts: entry.attempts, dueMs: nowMs &+ limits.retryDelayMs)
        return true
    }

    private mutating func refill(_ nowMs: UInt64) {
        let capacity = max(1, limits.burst)
        if let last = refilledAtMs, nowMs > last {
            tokens = min(capacity, tokens + Double(nowMs - last) * limits.checksPerSecond / 1_000)
        }
        if refilledAtMs.map({ nowMs > $0 }) ?? true { refilledAtMs = nowMs }
    }
}
