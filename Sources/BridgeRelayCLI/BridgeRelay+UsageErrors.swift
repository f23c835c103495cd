// SPDX-License-Identifier: Apache-2.0
import ArgumentParser

#if canImport(Glibc)
import Glibc
#endif

/// The entry point: ArgumentParser's own, except that a usage error (unknown option, missing
/// value) is reported as one `error: …` line with exit status 2 instead of usage text and 64.
///
/// Issue 3's operator-tool contract is "one clear error line and exit 2 on bad input"; the
/// commands' own value checks already follow it (`CLIFailure`), this covers what the parser
/// rejects before a command runs. `--help`, `--version` and command failures are unchanged.
extension BridgeRelay {
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                printError(message(for: error))
                Glibc.exit(CLIFailure.badInputStatus)
            }
            exit(withError: error)
        }
    }
}
