// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation

/// A failure an operator command reports as exactly one `error: …` line on stderr.
///
/// Exit status 2 means bad input (a malformed option value, a missing option); 1 means the
/// operation itself failed (wrong passphrase, tampered or existing keystore, I/O).
struct CLIFailure: Error {
    static let badInputStatus: Int32 = 2
    static let operationFailedStatus: Int32 = 1

    var message: String
    var status: Int32

    static func badInput(_ message: String) -> CLIFailure { CLIFailure(message: message, status: badInputStatus) }
    static func failed(_ message: String) -> CLIFailure { CLIFailure(message: message, status: operationFailedStatus) }
}

/// Runs an operator command body, turning any error into one stderr line and an exit status.
///
/// No stack trace, no usage text: `CLIFailure` carries its own status, any other error (keystore,
/// libsodium) is an operation failure with its one-line description.
func reportingFailures(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let failure as CLIFailure {
        printError(failure.message)
        throw ExitCode(failure.status)
    } catch {
        printError(String(describing: error))
        throw ExitCode(CLIFailure.operationFailedStatus)
    }
}

/// Writes `error: message` plus a newline to stderr (newlines inside the message are flattened).
func printError(_ message: String) {
    let line = "error: " + message.replacingOccurrences(of: "\n", with: " ") + "\n"
    FileHandle.standardError.write(Data(line.utf8))
}
