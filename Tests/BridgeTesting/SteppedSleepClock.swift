// SPDX-License-Identifier: Apache-2.0
import Synchronization

/// A `Clock` whose sleeps end only when the test says so, over a `VirtualClock`.
///
/// A service that sleeps on it parks: `parked()` returns once it does (with the duration it asked
/// for), so the test knows the service has finished what it was doing; `wake()` moves the virtual
/// wall clock by that duration and lets the service go on. No real time passes, and the test never
/// polls: it awaits the service's own pause.
public final class SteppedSleepClock: Clock {
    public struct Instant: InstantProtocol {
        public var offset: Duration
        public func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        public func duration(to other: Instant) -> Duration { other.offset - offset }
        public static func < (a: Instant, b: Instant) -> Bool { a.offset < b.offset }
    }

    struct Sleeper {
        var id: UInt64
        var duration: Duration
        var continuation: CheckedContinuation<Void, any Error>
    }

    struct State {
        var sleeper: Sleeper?
        var waiters: [UInt64: CheckedContinuation<Duration?, Never>] = [:]
        var nextID: UInt64 = 0
        var sleeps = 0
    }

    public let wall: VirtualClock
    private let state = Mutex(State())

    public init(wall: VirtualClock) { self.wall = wall }

    public var now: Instant { Instant(offset: .milliseconds(wall.nowMilliseconds)) }
    public var minimumResolution: Duration { .milliseconds(1) }

    /// Sleeps the service has started so far.
    public var sleeps: Int { state.withLock { $0.sleeps } }

    public func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        let duration = max(.zero, now.duration(to: deadline))
        let id = state.withLock { s in
            s.nextID += 1
            return s.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let waiters = state.withLock { s -> [CheckedContinuation<Duration?, Never>]? in
                    if Task.isCancelled { return nil }
                    s.sleeper = Sleeper(id: id, duration: duration, continuation: continuation)
                    s.sleeps += 1
                    defer { s.waiters = [:] }
                    return Array(s.waiters.values)
                }
                guard let waiters else { return continuation.resume(throwing: CancellationError()) }
                for waiter in waiters { waiter.resume(returning: duration) }
            }
        } onCancel: {
            let sleeper = state.withLock { s -> Sleeper? in
                guard let sleeper = s.sleeper, sleeper.id == id else { return nil }
                s.sleeper = nil
                return sleeper
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Waits until the service sleeps (at most `limit` of real time); the duration it asked for,
    /// nil when it did not sleep in time. The limit only bounds a hang: a step takes milliseconds,
    /// but in the full suite on 2 cores other tests' CPU work can hold the cooperative pool for tens
    /// of seconds (one run took 32 s with the old 20 s limit and failed).
    public func parked(limit: Duration = .seconds(90)) async -> Duration? {
        let id = state.withLock { s in
            s.nextID += 1
            return s.nextID
        }
        let timer = Task {
            try? await Task.sleep(for: limit)
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume(returning: nil)
        }
        defer { timer.cancel() }
        return await withCheckedContinuation { (continuation: CheckedContinuation<Duration?, Never>) in
            let parked = state.withLock { s -> Duration? in
                if let sleeper = s.sleeper { return sleeper.duration }
                s.waiters[id] = continuation
                return nil
            }
            if let parked { continuation.resume(returning: parked) }
        }
    }

    /// Ends the current sleep: the wall clock moves by its duration and the service goes on.
    public func wake() {
        let sleeper = state.withLock { s -> Sleeper? in
            defer { s.sleeper = nil }
            return s.sleeper
        }
        guard let sleeper else { return }
        let ms = sleeper.duration.components.seconds * 1_000 + sleeper.duration.components.attoseconds / 1_000_000_000_000_000
        wall.advance(milliseconds: UInt64(max(0, ms)))
        sleeper.continuation.resume()
    }
}
