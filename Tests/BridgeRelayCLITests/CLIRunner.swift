// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing

/// Runs the built `bridge-relay` binary as a subprocess, with a timeout.
///
/// The binary sits next to the test bundle (`swift build --build-tests` builds every product);
/// `BRIDGE_RELAY_BIN` overrides the location.
struct CLIRunner {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        /// stdout without its trailing newline.
        var line: String { stdout.trimmingCharacters(in: .newlines) }
    }

    static let binary: URL = {
        if let path = ProcessInfo.processInfo.environment["BRIDGE_RELAY_BIN"] { return URL(fileURLWithPath: path) }
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("bridge-relay"),
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("bridge-relay"),
            Bundle.main.bundleURL.appendingPathComponent("bridge-relay"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }()

    /// - Parameters:
    ///   - arguments: the command line after `bridge-relay`.
    ///   - environment: extra variables (the passphrase variable is removed unless given here).
    ///   - stdin: bytes written to the child's stdin, which is always a pipe (never a terminal).
    static func run(_ arguments: [String], environment: [String: String] = [:], stdin: String = "") throws -> Result {
        #expect(FileManager.default.isExecutableFile(atPath: binary.path), "bridge-relay not built at \(binary.path)")
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "BRIDGE_RELAY_PASSPHRASE")
        env.merge(environment) { $1 }
        process.environment = env
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        let deadline = DispatchTime.now() + .seconds(60)
        let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: deadline, execute: watchdog)
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        watchdog.cancel()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
    }

    /// A fresh empty directory for keystores.
    static func temporaryDirectory() -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bridge-relay-cli-" + UUID().uuidString)
        try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.path
    }
}

/// Checks the operator-tool error contract: exit `status`, nothing on stdout, exactly one `error:` line on stderr.
func expectOneLineError(_ result: CLIRunner.Result, status: Int32, mentioning text: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(result.status == status, "exit status; stderr: \(result.stderr)", sourceLocation: sourceLocation)
    #expect(result.stdout.isEmpty, sourceLocation: sourceLocation)
    let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.count == 2 && lines[1].isEmpty, "one line expected: \(result.stderr)", sourceLocation: sourceLocation)
    #expect(result.stderr.hasPrefix("error: "), sourceLocation: sourceLocation)
    #expect(result.stderr.contains(text), "\(result.stderr)", sourceLocation: sourceLocation)
}
