// SPDX-License-Identifier: Apache-2.0
public import Foundation
import Synchronization

/// A helper process for tests (devnets, simulators, peers, the relay binary), driven without
/// blocking Swift's cooperative threads.
///
/// stdin is a pipe; stdout is read by a dedicated thread into lines; stderr is discarded, written
/// to a file or captured. Every wait suspends the task with a deadline. `stop()` signals, waits a
/// grace period, then SIGKILLs. Releasing a running child SIGKILLs it without waiting (a last
/// resort for failed tests: tests `await stop()`). Creating one ignores SIGPIPE in the test
/// process (Swift's runner already does), so writing to a child that died throws.
public final class ChildProcess: Sendable {
    /// Where the child's stderr goes.
    public enum ErrorOutput: Sendable {
        case discard
        case file(String)
        case capture
    }

    public let pid: Int32
    private let output = ProcessOutput()
    private let input: FileHandle
    private let process: Process

    private static let ignoreBrokenPipe: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    /// Starts `executable` with `arguments`; `environment` nil inherits the test's environment.
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        directory: String? = nil, errorOutput: ErrorOutput = .discard
    ) throws {
        Self.ignoreBrokenPipe
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        var stderr: Pipe?
        switch errorOutput {
        case .discard: process.standardError = FileHandle.nullDevice
        case .file(let path):
            guard FileManager.default.createFile(atPath: path, contents: nil), let file = FileHandle(forWritingAtPath: path) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
            }
            process.standardError = file
        case .capture:
            stderr = Pipe()
            process.standardError = stderr
        }
        let output = self.output
        process.terminationHandler = { finished in
            let status = finished.terminationStatus
            output.update { $0.exitStatus = status }
        }
        try Self.withoutBlockedSignals { try process.run() }
        self.process = process
        pid = process.processIdentifier
        input = stdin.fileHandleForWriting
        output.startReading(stdout.fileHandleForReading, isStdout: true)
        if let stderr { output.startReading(stderr.fileHandleForReading, isStdout: false) }
    }

    /// Runs `body` with this thread's signal mask cleared: a child inherits the mask of the thread
    /// that spawns it, and Swift's pool threads block SIGTERM and SIGINT, which `stop()` relies on.
    private static func withoutBlockedSignals<T>(_ body: () throws -> T) rethrows -> T {
        var none = sigset_t(), previous = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        return try body()
    }

    deinit {
        if isRunning { kill(pid, SIGKILL) }
    }

    public var isRunning: Bool { output.state.withLock { $0.exitStatus == nil } }
    /// The complete stdout lines so far (a last line without newline counts once stdout closed).
    public var lines: [String] { output.state.withLock { $0.lines } }
    /// stdout so far, as text.
    public var standardOutput: String { output.state.withLock { String(decoding: $0.stdout, as: UTF8.self) } }
    /// stderr so far, when started with `.capture`.
    public var standardError: String { output.state.withLock { String(decoding: $0.stderr, as: UTF8.self) } }

    /// The first stdout line at index `start` or later that satisfies `matches`, with its index;
    /// nil after `timeout`, or when stdout ended without one.
    public func waitForLine(
        from start: Int = 0, timeout: Duration, where matches: (String) -> Bool = { _ in true }
    ) async -> (index: Int, text: String)? {
        var next = start
        let found: (index: Int, text: String)?? = await output.wait(until: .now + timeout) { state in
            while next < state.lines.count {
                defer { next += 1 }
                if matches(state.lines[next]) { return .some((next, state.lines[next])) }
            }
            return state.stdoutClosed ? .some(nil) : nil  // no more lines can come
        }
        return found ?? nil
    }

    /// The first stdout line; nil after `timeout` or when stdout ended before one.
    public func firstLine(timeout: Duration) async -> String? {
        await waitForLine(timeout: timeout)?.text
    }

    /// The exit status (Foundation's `terminationStatus`) once the process exited and its pipes
    /// were read to the end; nil if it is still running after `timeout`.
    public func waitForExit(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        if let status = await output.wait(until: deadline, { $0.finished ? $0.exitStatus : nil }) { return status }
        return output.state.withLock { $0.exitStatus }  // exited, but a grandchild still holds a pipe
    }

    /// Sends `signal` (SIGTERM unless told), waits up to `grace`, then SIGKILLs and waits up to
    /// 5 s more. Returns the exit status, nil if even SIGKILL did not end it in time. Runs in full
    /// in a cancelled task too (a test past its time limit still gives a localnet its SIGINT grace).
    @discardableResult
    public func stop(signal: Int32 = SIGTERM, grace: Duration = .seconds(5)) async -> Int32? {
        await Task { [self] in
            send(signal)
            if let status = await waitForExit(timeout: grace) { return status }
            send(SIGKILL)
            return await waitForExit(timeout: .seconds(5))
        }.value
    }

    /// Sends `signal` if the process is still running.
    public func send(_ signal: Int32) {
        if isRunning { kill(pid, signal) }
    }

    /// Writes `text` to the child's stdin.
    public func write(_ text: String) throws {
        try input.write(contentsOf: Data(text.utf8))
    }

    /// Closes the child's stdin (end of input).
    public func closeInput() {
        try? input.close()
    }
}
