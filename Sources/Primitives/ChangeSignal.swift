// SPDX-License-Identifier: Apache-2.0
import Synchronization

/// A generation counter that async code can wait on: the hand-off between stages without polling.
///
/// A producer calls `signal()` after it made something visible (a store commit, a new validator
/// set). A consumer reads `generation`, does its work, then `wait(beyond:upTo:)`: it returns as
/// soon as a later `signal()` happened (at once if one already did), or after the timeout, which is
/// the slow safety poll. Signals are not queued: many signals while the consumer works wake it once.
public final class ChangeSignal: Sendable {
    private struct State {
        var generation: UInt64 = 0
        var nextWaiter = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// How many signals so far.
    public var generation: UInt64 { state.withLock { $0.generation } }

    /// Counts one change and wakes every waiter.
    public func signal() {
        let woken = state.withLock { state in
            state.generation &+= 1
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in woken { waiter.resume() }
    }

    /// Returns once `generation` is past `seen`, after `timeout`, or when the task is cancelled.
    public func wait(beyond seen: UInt64, upTo timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.wait(beyond: seen) }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    /// Returns once `generation` is past `seen`, or when the task is cancelled.
    public func wait(beyond seen: UInt64) async {
        let id = state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { state -> Bool in
                    // The cancellation flag is set before `onCancel` runs, so either this sees it or
                    // `onCancel` finds the registered waiter.
                    if state.generation != seen || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }
}
