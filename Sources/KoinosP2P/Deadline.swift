// SPDX-License-Identifier: Apache-2.0
import Synchronization

/// Runs work with a deadline and returns at the deadline even when the work does not react to
/// cancellation (a blocking RPC, a silent peer): the caller is resumed by whichever finishes first.
enum Deadline {
    struct Expired: Error {}

    /// Resumes a continuation once, from whichever side gets there first.
    private final class Once<T: Sendable>: Sendable {
        let continuation: CheckedContinuation<T, any Error>
        let resumed = Mutex(false)
        init(_ continuation: CheckedContinuation<T, any Error>) { self.continuation = continuation }

        func finish(_ result: Result<T, any Error>) {
            let first = resumed.withLock { done in
                defer { done = true }
                return !done
            }
            if first { continuation.resume(with: result) }
        }
    }

    /// `operation`'s result, or `Expired` after `limit` (the operation is then cancelled; with
    /// `detached` it is left to finish on its own, e.g. so it can release what it holds).
    static func run<T: Sendable>(
        _ limit: Duration, detached: Bool = false, _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let once = Once(continuation)
            let work = Task {
                do { once.finish(.success(try await operation())) } catch { once.finish(.failure(error)) }
            }
            Task {
                try? await Task.sleep(for: limit)
                if !detached { work.cancel() }
                once.finish(.failure(Expired()))
            }
        }
    }
}
