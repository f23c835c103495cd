// SPDX-License-Identifier: Apache-2.0
import Foundation
import ProcessTestSupport
import Testing

/// Runs the built `bridge-relay` binary (`relayBinary`) as a subprocess, with a timeout.
struct CLIRunner {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        /// stdout without its trailing newline.
        var line: String { stdout.trimmingCharacters(in: .newlines) }
    }

    /// - Parameters:
    ///   - arguments: the command line after `bridge-relay`.
    ///   - environment: extra variables (the passphrase variable is removed unless given here).
    ///   - stdin: bytes written to the child's stdin, which is always a pipe (never a terminal).
    static func run(_ arguments: [String], environment: [String: String] = [:], stdin: String = "") async throws -> Result {
        #expect(FileManager.default.isExecutableFile(atPath: relayBinary), "bridge-relay not built at \(relayBinary)")
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "BRIDGE_RELAY_PASSPHRASE")
        env.merge(environment) { $1 }
        let completion = try await ChildProcess.run(relayBinary, arguments, input: stdin, environment: env, timeout: .seconds(60))
        #expect(!completion.timedOut, "bridge-relay \(arguments.prefix(2).joined(separator: " ")) ran over 60 s")
        return Result(status: completion.status, stdout: completion.stdout, stderr: completion.stderr)
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
