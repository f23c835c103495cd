// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import BridgeKeystore
import ChainCrypto
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Options shared by the commands that create a keystore.
struct NewKeystoreOptions: ParsableArguments {
    @Option(help: "Path of the keystore file to create (required; never overwritten).") var keystore: String?
    @Option(name: .customLong("p2p-key-type"), help: "libp2p identity key type: p256 (default), secp256k1 or ed25519.")
    var p2pKeyType: String = P2PKeyType.p256.rawValue
    /// Tests only: argon2id "interactive" limits instead of "moderate" (recorded in the file).
    @Flag(name: .customLong("insecure-fast-kdf"), help: .hidden) var insecureFastKDF = false
    @OptionGroup var passphrase: PassphraseOptions

    /// Writes the keystore and prints its public half (`keys show` format).
    func create(validatorKey: Secp256k1.PrivateKey) throws {
        let path = try CLIInput.required(keystore, "--keystore")
        guard let type = P2PKeyType(rawValue: p2pKeyType) else {
            throw CLIFailure.badInput("--p2p-key-type must be p256, secp256k1 or ed25519, got '\(p2pKeyType)'")
        }
        guard !FileManager.default.fileExists(atPath: path) else {
            throw CLIFailure.failed("keystore \(path) already exists; refusing to overwrite it")
        }
        var secret = try passphrase.read(confirm: true)
        defer { Sodium.zero(&secret) }
        let info = try Keystore.create(
            path: path, passphrase: secret, validatorKey: validatorKey, p2pKey: .generate(type: type),
            limits: insecureFastKDF ? .interactive : .moderate)
        print("created \(path)")
        KeysShow.printHuman(info)
    }
}

/// `bridge-relay keygen`: a new encrypted keystore with fresh validator and identity keys.
struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen", abstract: "Create an encrypted keystore with a new validator key and libp2p identity.")

    @OptionGroup var options: NewKeystoreOptions

    func run() throws {
        try reportingFailures { try options.create(validatorKey: .generate()) }
    }
}

/// `bridge-relay keys …`: inspect or import keys.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Show or import validator keys.", subcommands: [KeysShow.self, KeysImport.self])
}

/// `bridge-relay keys show`: the public half of a keystore.
///
/// Without `--verify` no passphrase is needed and the clear fields are shown as stored; with it the
/// keystore is unlocked, so a file whose clear fields were edited is rejected (exit 1).
struct KeysShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Print the addresses, public key and peer id of a keystore.")

    @Option(help: "Keystore file (required).") var keystore: String?
    @Flag(help: "Print one JSON object with ethereum_address, koinos_address, public_key, peer_id.") var json = false
    @Flag(help: "Unlock the keystore (passphrase needed) and check the clear fields against the keys.") var verify = false
    @OptionGroup var passphrase: PassphraseOptions

    func run() throws {
        try reportingFailures {
            let path = try CLIInput.required(keystore, "--keystore")
            let info: KeystorePublicInfo
            if verify {
                var secret = try passphrase.read(confirm: false)
                defer { Sodium.zero(&secret) }
                info = try Keystore.load(path: path, passphrase: secret).publicInfo
            } else {
                info = try Keystore.publicInfo(path: path)
            }
            if json {
                let object = [
                    "ethereum_address": info.ethereumAddress, "koinos_address": info.koinosAddress,
                    "public_key": info.publicKey, "peer_id": info.peerID,
                ]
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
                print(String(decoding: data, as: UTF8.self))
            } else {
                Self.printHuman(info)
            }
        }
    }

    static func printHuman(_ info: KeystorePublicInfo) {
        print("ethereum address: \(info.ethereumAddress)")
        print("koinos address:   \(info.koinosAddress)")
        print("public key:       \(info.publicKey)")
        print("peer id:          \(info.peerID) (\(info.p2pKeyType.rawValue))")
    }
}

/// `bridge-relay keys import`: a new keystore around an existing validator key.
///
/// The secret is read from `--secret-file`, a no-echo prompt when stdin is a terminal, or stdin,
/// never from the command line (argv is visible to every user through /proc).
struct KeysImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Create a keystore from an existing validator key read from stdin or a file.")

    @Flag(help: "The secret is a WIF string.") var wif = false
    @Flag(help: "The secret is 64 hex digits (optionally 0x-prefixed).") var hex = false
    @Option(name: .customLong("secret-file"), help: "Read the secret from this file instead of stdin.") var secretFile: String?
    @OptionGroup var options: NewKeystoreOptions

    func run() throws {
        try reportingFailures {
            guard wif != hex else { throw CLIFailure.badInput("give exactly one of --wif or --hex") }
            _ = try CLIInput.required(options.keystore, "--keystore")
            var raw: [UInt8]
            if let secretFile {
                raw = try SecretFile.read(secretFile, what: "secret file")
            } else if isatty(STDIN_FILENO) == 1 {
                raw = try TerminalPrompt.readHidden(prompt: wif ? "Validator key (WIF): " : "Validator key (hex): ")
            } else {
                raw = Array(FileHandle.standardInput.readDataToEndOfFile().prefix(4096))
            }
            defer { Sodium.zero(&raw) }
            let text = String(decoding: raw, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            let key: Secp256k1.PrivateKey
            if wif {
                guard let decoded = WIF.decode(text) else { throw CLIFailure.badInput("the secret is not a valid WIF key") }
                key = decoded
            } else {
                var bytes = ChainHex.decode(text) ?? []
                defer { Sodium.zero(&bytes) }
                guard bytes.count == 32, let decoded = try? Secp256k1.PrivateKey(rawRepresentation: bytes) else {
                    throw CLIFailure.badInput("the secret is not 32 bytes of hex forming a valid secp256k1 key")
                }
                key = decoded
            }
            try options.create(validatorKey: key)
        }
    }
}
