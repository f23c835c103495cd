// SPDX-License-Identifier: Apache-2.0
import Foundation

extension ChildProcess {
    /// A child process that ran to its end.
    public struct Completion: Sendable {
        /// Foundation's `terminationStatus` (the signal number when killed by one).
        public var status: Int32
        public var stdout: String
        public var stderr: String
        /// The run hit its time limit and was stopped.
        public var timedOut: Bool
    }

    /// Runs `executable` to its end: writes `input` to its stdin and closes it, captures stdout and
    /// stderr; after `timeout` the child is stopped (SIGTERM, then SIGKILL) and `timedOut` is set.
    public static func run(
        _ executable: String, _ arguments: [String], input: String = "", environment: [String: String]? = nil,
        directory: String? = nil, timeout: Duration = .seconds(60)
    ) async throws -> Completion {
        let child = try ChildProcess(executable, arguments, environment: environment, directory: directory, errorOutput: .capture)
        if !input.isEmpty { try? child.write(input) }  // a child that exits without reading is not an error here
        child.closeInput()
        var status = await child.waitForExit(timeout: timeout)
        let timedOut = status == nil
        if timedOut { status = await child.stop(grace: .seconds(2)) }
        return Completion(status: status ?? -1, stdout: child.standardOutput, stderr: child.standardError, timedOut: timedOut)
    }
}

/// The repository root, found from this file's path.
public let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

/// The built `bridge-relay` binary: `BRIDGE_RELAY_BIN`, else next to the test bundle (`swift build
/// --build-tests` builds every product), else `.build/debug`. The first candidate when none exists.
public let relayBinary: String = {
    if let path = ProcessInfo.processInfo.environment["BRIDGE_RELAY_BIN"] { return path }
    let runner = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let bundle = Bundle.main.bundleURL
    let candidates = [
        runner, runner.deletingLastPathComponent(), bundle.deletingLastPathComponent(), bundle,
        URL(fileURLWithPath: repositoryRoot + "/.build/debug"),
    ].map { $0.appendingPathComponent("bridge-relay").path }
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
}()
