// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import ChainCrypto
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Where a keystore passphrase comes from, in order: `--passphrase-file`, the
/// `BRIDGE_RELAY_PASSPHRASE` environment variable, a no-echo prompt when stdin is a terminal.
///
/// The passphrase is returned as bytes the caller zeroes (`Sodium.zero`) after use; it is never
/// printed. A file's single trailing newline (LF or CRLF) is not part of the passphrase.
struct PassphraseOptions: ParsableArguments {
    static let environmentVariable = "BRIDGE_RELAY_PASSPHRASE"

    @Option(name: .customLong("passphrase-file"), help: "Read the keystore passphrase from this file.")
    var passphraseFile: String?

    /// - Parameters:
    ///   - confirm: prompt twice (new keystores) when reading from the terminal.
    func read(confirm: Bool) throws -> [UInt8] {
        var passphrase: [UInt8]
        if let passphraseFile {
            passphrase = try SecretFile.read(passphraseFile, what: "passphrase file")
            if passphrase.last == 0x0A { passphrase.removeLast() }
            if passphrase.last == 0x0D { passphrase.removeLast() }
        } else if let value = getenv(Self.environmentVariable) {
            passphrase = Array(UnsafeBufferPointer(start: UnsafeRawPointer(value).assumingMemoryBound(to: UInt8.self), count: strlen(value)))
        } else if isatty(STDIN_FILENO) == 1 {
            passphrase = try TerminalPrompt.readHidden(prompt: "Keystore passphrase: ")
            if confirm {
                var again = try TerminalPrompt.readHidden(prompt: "Repeat passphrase: ")
                defer { Sodium.zero(&again) }
                guard again == passphrase else {
                    Sodium.zero(&passphrase)
                    throw CLIFailure.badInput("the two passphrases differ")
                }
            }
        } else {
            throw CLIFailure.badInput(
                "no passphrase: use --passphrase-file or \(Self.environmentVariable) (stdin is not a terminal to prompt on)")
        }
        guard !passphrase.isEmpty else { throw CLIFailure.badInput("the passphrase is empty") }
        return passphrase
    }
}

/// Reads a line from the controlling terminal with echo turned off (termios), restoring it after.
enum TerminalPrompt {
    static func readHidden(prompt: String) throws -> [UInt8] {
        let fd = open("/dev/tty", O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { throw CLIFailure.badInput("cannot open the terminal to prompt for the passphrase") }
        defer { close(fd) }
        _ = prompt.withCString { write(fd, $0, strlen($0)) }
        var saved = termios()
        guard tcgetattr(fd, &saved) == 0 else { throw CLIFailure.badInput("cannot configure the terminal") }
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        silent.c_lflag |= tcflag_t(ECHONL)
        guard tcsetattr(fd, TCSAFLUSH, &silent) == 0 else { throw CLIFailure.badInput("cannot turn off terminal echo") }
        defer { _ = tcsetattr(fd, TCSAFLUSH, &saved) }
        var line = [UInt8]()
        line.reserveCapacity(4097)  // never reallocated while typing: no unzeroed copy left behind
        var byte: UInt8 = 0
        // Bounded: a passphrase longer than 4 KiB is refused rather than read forever.
        while line.count <= 4096 {
            let n = Glibc.read(fd, &byte, 1)
            if n < 0, errno == EINTR { continue }
            if n <= 0 || byte == 0x0A { return line }
            if byte != 0x0D { line.append(byte) }
        }
        Sodium.zero(&line)
        throw CLIFailure.badInput("passphrase longer than 4096 bytes")
    }
}

/// Reads a small secret file (passphrase, key) into bytes the caller can zero, unlike `Data`.
enum SecretFile {
    static let limit = 4096

    static func read(_ path: String, what: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CLIFailure.badInput("cannot read \(what) \(path)") }
        defer { close(fd) }
        var out = [UInt8](repeating: 0, count: limit + 1)
        var count = 0
        while count <= limit {
            let n = out.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + count, $0.count - count) }
            if n < 0, errno == EINTR { continue }
            guard n >= 0 else {
                Sodium.zero(&out)
                throw CLIFailure.badInput("cannot read \(what) \(path)")
            }
            if n == 0 { break }
            count += n
        }
        guard count <= limit else {
            Sodium.zero(&out)
            throw CLIFailure.badInput("\(what) \(path) is larger than \(limit) bytes")
        }
        let secret = Array(out[0..<count])
        Sodium.zero(&out)
        return secret
    }
}
