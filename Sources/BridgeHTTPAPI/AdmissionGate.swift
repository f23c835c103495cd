// SPDX-License-Identifier: Apache-2.0
import Synchronization

/// A counting semaphore with a bounded waiting line, for async code.
///
/// `enter()` returns at once while fewer than `permits` holders are inside, waits (without holding
/// a thread) while fewer than `queueLimit` callers are waiting, and returns `false` past that: the
/// caller answers "busy" instead of piling up. Every successful `enter()` is paired with `leave()`.
final class AdmissionGate: Sendable {
    private struct State {
        var inside = 0
        var waiting: [(id: UInt64, continuation: CheckedContinuation<Bool, Never>)] = []
        var nextID: UInt64 = 0
    }

    let permits: Int
    let queueLimit: Int
    private let state = Mutex(State())

    init(permits: Int, queueLimit: Int) {
        precondition(permits > 0 && queueLimit >= 0)
        self.permits = permits
        self.queueLimit = queueLimit
    }

    /// Holders inside and callers waiting (metrics and tests).
    var load: (inside: Int, waiting: Int) { state.withLock { ($0.inside, $0.waiting.count) } }

    /// True once admitted; false when the line is full or the task was cancelled while waiting.
    func enter() async -> Bool {
        enum Decision { case admitted, refused, wait(UInt64) }
        let decision: Decision = state.withLock { s in
            if s.inside < permits {
                s.inside += 1
                return .admitted
            }
            guard s.waiting.count < queueLimit else { return .refused }
            s.nextID &+= 1
            return .wait(s.nextID)
        }
        let id: UInt64
        switch decision {
        case .admitted: return true
        case .refused: return false
        case .wait(let ticket): id = ticket
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow: Bool? = state.withLock { s in
                    if Task.isCancelled { return false }
                    if s.inside < permits {  // a holder left between the two locks
                        s.inside += 1
                        return true
                    }
                    s.waiting.append((id, continuation))
                    return nil
                }
                if let resumeNow { continuation.resume(returning: resumeNow) }
            }
        } onCancel: {
            let removed = state.withLock { s -> CheckedContinuation<Bool, Never>? in
                guard let index = s.waiting.firstIndex(where: { $0.id == id }) else { return nil }
                return s.waiting.remove(at: index).continuation
            }
            removed?.resume(returning: false)
        }
    }

    /// Lets the next waiter in (the permit passes to it), or frees a permit.
    func leave() {
        let next = state.withLock { s -> CheckedContinuation<Bool, Never>? in
            if s.waiting.isEmpty {
                s.inside -= 1
                return nil
            }
            return s.waiting.removeFirst().continuation
        }
        next?.resume(returning: true)
    }

    /// Runs `body` inside the gate; nil when not admitted.
    func run<T: Sendable>(_ body: () async throws -> T) async rethrows -> T? {
        guard await enter() else { return nil }
        defer { leave() }
        return try await body()
    }
}
