// SPDX-License-Identifier: Apache-2.0
public import Foundation

/// A helper process for tests: started with pipes, first stdout line read with a deadline,
/// terminated (then killed) when released.
public final class ChildProcess: @unchecked Sendable {
    public let process = Process()
    private let stdinPipe = Pipe()
    private let stdoutPipe = Pipe()

    public init(_ executable: String, _ arguments: [String], stderrPath: String? = nil) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        if let stderrPath {
            FileManager.default.createFile(atPath: stderrPath, contents: nil)
            process.standardError = FileHandle(forWritingAtPath: stderrPath)
        }
        try process.run()
    }

    /// The first line the process prints, or nil after `timeout` seconds / at end of output.
    public func firstLine(timeout: Double) -> String? {
        let handle = stdoutPipe.fileHandleForReading
        let box = LineBox()
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            var bytes: [UInt8] = []
            while true {
                let chunk = handle.readData(ofLength: 1)
                if chunk.isEmpty || chunk.first == 10 { break }
                bytes.append(chunk.first!)
            }
            box.line = bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
            done.signal()
        }
        guard done.wait(timeout: .now() + timeout) == .success else { return nil }
        return box.line
    }

    /// Remaining stdout (call after the process exited).
    public func remainingOutput() -> String {
        String(decoding: stdoutPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }

    public func signal(_ sig: Int32) {
        if process.isRunning { kill(process.processIdentifier, sig) }
    }

    public func stop() {
        guard process.isRunning else { return }
        process.terminate()
        for _ in 0..<50 where process.isRunning { usleep(20_000) }
        signal(SIGKILL)
        process.waitUntilExit()
    }

    deinit { stop() }

    private final class LineBox: @unchecked Sendable { var line: String? }
}

/// The repository root, found from this file's path.
public let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()
