// SPDX-License-Identifier: Apache-2.0
import Foundation
import Synchronization

/// What a child process has produced so far (stdout lines and bytes, captured stderr, exit
/// status), shared between its reader threads, its exit handler and the tasks waiting on it.
///
/// A waiting task never blocks a thread: it registers a continuation that the next change (or
/// its deadline, via a dispatch timer) resumes, then checks again.
final class ProcessOutput: Sendable {
    /// Each captured stream keeps at most this many bytes; the rest is read and dropped.
    static let captureLimit = 16 << 20

    struct State {
        var lines: [String] = []
        var partialLine: [UInt8] = []
        var stdout: [UInt8] = []
        var stderr: [UInt8] = []
        var openStreams = 0
        var stdoutClosed = false
        var exitStatus: Int32?
        var version: UInt64 = 0
        var nextWaiter: UInt64 = 0
        var waiters: [UInt64: Waiter] = [:]
    }

    /// A suspended task and the timer that resumes it at its deadline (cancelled if a change does first).
    struct Waiter {
        let continuation: CheckedContinuation<Void, Never>
        let deadline: DispatchWorkItem
    }

    let state = Mutex(State())

    /// Reads `handle` to end of file on a dedicated thread (never a cooperative one).
    func startReading(_ handle: FileHandle, isStdout: Bool) {
        state.withLock { $0.openStreams += 1 }
        let thread = Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(handle.fileDescriptor, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                let chunk = buffer[0..<count]
                update { isStdout ? $0.appendStdout(chunk) : $0.appendStderr(chunk) }
            }
            update { state in
                if isStdout, !state.partialLine.isEmpty {
                    state.lines.append(String(decoding: state.partialLine, as: UTF8.self))
                    state.partialLine = []
                }
                if isStdout { state.stdoutClosed = true }
                state.openStreams -= 1
            }
        }
        thread.name = isStdout ? "child-stdout" : "child-stderr"
        thread.start()
    }

    /// Applies `change`, then wakes every waiting task so it re-checks its condition.
    func update(_ change: (inout State) -> Void) {
        let waiters = state.withLock { state in
            change(&state)
            state.version &+= 1
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters {
            waiter.deadline.cancel()
            waiter.continuation.resume()
        }
    }

    /// Suspends until `check` returns a value or `deadline` passes (then returns `check`'s last
    /// answer, nil) or the task is cancelled.
    func wait<T: Sendable>(until deadline: ContinuousClock.Instant, _ check: (borrowing State) -> T?) async -> T? {
        while true {
            let (answer, version) = state.withLock { state in (check(state), state.version) }
            if let answer { return answer }
            if ContinuousClock.now >= deadline || Task.isCancelled { return nil }
            await withTaskCancellationHandler {
                await nextChange(after: version, deadline: deadline)
            } onCancel: {
                update { _ in }
            }
        }
    }

    private func nextChange(after version: UInt64, deadline: ContinuousClock.Instant) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let timer: DispatchWorkItem? = state.withLock { state in
                guard state.version == version else { return nil }
                state.nextWaiter += 1
                let id = state.nextWaiter
                let timer = DispatchWorkItem { [weak self] in
                    self?.state.withLock { $0.waiters.removeValue(forKey: id) }?.continuation.resume()
                }
                state.waiters[id] = Waiter(continuation: continuation, deadline: timer)
                return timer
            }
            guard let timer else { return continuation.resume() }
            let (seconds, attoseconds) = max(deadline - ContinuousClock.now, .zero).components
            let nanoseconds = Int(min(seconds, 86_400)) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
            DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(nanoseconds), execute: timer)
        }
    }
}

extension ProcessOutput.State {
    mutating func appendStdout(_ chunk: ArraySlice<UInt8>) {
        let kept = chunk.prefix(max(0, ProcessOutput.captureLimit - stdout.count))
        stdout += kept
        for byte in kept {
            if byte == 0x0A {
                lines.append(String(decoding: partialLine, as: UTF8.self))
                partialLine = []
            } else {
                partialLine.append(byte)
            }
        }
    }

    mutating func appendStderr(_ chunk: ArraySlice<UInt8>) {
        stderr += chunk.prefix(max(0, ProcessOutput.captureLimit - stderr.count))
    }

    /// Exited, and every pipe read to its end (so the captured output is complete).
    var finished: Bool { exitStatus != nil && openStreams == 0 }
}
