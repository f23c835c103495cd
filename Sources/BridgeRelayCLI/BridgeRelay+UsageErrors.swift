// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The entry point: ArgumentParser's own, except that a usage error (unknown option, missing
/// value) is reported as one `error: …` line with exit status 2 instead of usage text and 64.
///
/// Issue 3's operator-tool contract is "one clear error line and exit 2 on bad input"; the
/// commands' own value checks already follow it (`CLIFailure`), this covers what the parser
/// rejects before a command runs. `--help`, `--version` and command failures are unchanged.
/// A usage error never echoes what looks like a secret (`keys import --hex <key>` puts the key in
/// argv by mistake; the parser would quote it back).
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
                printError(UsageErrorText.withoutSecrets(message(for: error), arguments: Array(CommandLine.arguments.dropFirst())))
                Glibc.exit(CLIFailure.badInputStatus)
            }
            exit(withError: error)
        }
    }
}

/// Masks, in a usage error message, every command-line value that looks like key material.
enum UsageErrorText {
    static let mask = "<value hidden: it looks like a secret>"

    static func withoutSecrets(_ message: String, arguments: [String]) -> String {
        var out = message
        let values = arguments.flatMap { argument -> [String] in
            guard let eq = argument.firstIndex(of: "="), argument.hasPrefix("-") else { return [argument] }
            return [argument, String(argument[argument.index(after: eq)...])]
        }
        for value in values.filter(looksLikeSecret).sorted(by: { $0.count > $1.count }) {
            out = out.replacingOccurrences(of: value, with: mask)
        }
        return out
    }

    /// Hex of 16 bytes or more (a private key is 32), or a WIF / long base58 string.
    static func looksLikeSecret(_ text: String) -> Bool {
        let body = text.hasPrefix("0x") || text.hasPrefix("0X") ? Substring(text.dropFirst(2)) : Substring(text)
        let hex = body.count >= 32 && body.allSatisfy(\.isHexDigit)
        let base58 = body.count >= 50 && body.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) && !"0OIl".contains($0) }
        return hex || base58
    }
}
