// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import BridgeKeystore
import ChainCrypto

/// The two signature encodings the bridge contracts accept (bridge-contracts.md §2.1).
enum SignatureFormat: String {
    /// `[31 + recid] ‖ r ‖ s`, base64url with padding: what the Koinos contract recovers.
    case koinos
    /// `r ‖ s ‖ v` with v = 27/28, `0x` hex: what Solidity `ecrecover` takes.
    case ethereum

    static func parse(_ text: String?) throws -> SignatureFormat {
        let text = try CLIInput.required(text, "--format")
        guard let format = SignatureFormat(rawValue: text) else {
            throw CLIFailure.badInput("--format must be koinos or ethereum, got '\(text)'")
        }
        return format
    }
}

/// `bridge-relay sign`: signs a 32-byte digest with the keystore's validator key.
struct SignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign", abstract: "Sign a 32-byte digest with the validator key (RFC 6979, low-S).")

    @Option(help: "Keystore file (required).") var keystore: String?
    @Option(help: "The digest, 0x + 64 hex (required).") var digest: String?
    @Option(help: "koinos (base64url compact) or ethereum (0x r‖s‖v) (required).") var format: String?
    @OptionGroup var passphrase: PassphraseOptions

    func run() throws {
        try reportingFailures {
            let path = try CLIInput.required(keystore, "--keystore")
            let digest = try CLIInput.digest(digest)
            let format = try SignatureFormat.parse(format)
            var secret = try passphrase.read(confirm: false)
            defer { Sodium.zero(&secret) }
            let keys = try Keystore.load(path: path, passphrase: secret)
            switch format {
            case .koinos: print(Base64URL.encode(try KoinosSignature.sign(digest: digest, key: keys.validatorKey)))
            case .ethereum: print(ChainHex.encode(try EthereumSignature.sign(digest: digest, key: keys.validatorKey)))
            }
        }
    }
}

/// `bridge-relay recover`: the address that produced a signature over a digest.
struct RecoverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recover", abstract: "Print the address that signed a digest.")

    @Option(help: "The digest, 0x + 64 hex (required).") var digest: String?
    @Option(help: "koinos: base64url 65 bytes; ethereum: 0x + 130 hex (required).") var signature: String?
    @Option(help: "koinos or ethereum (required).") var format: String?

    func run() throws {
        try reportingFailures {
            let digest = try CLIInput.digest(digest)
            let format = try SignatureFormat.parse(format)
            let text = try CLIInput.required(signature, "--signature")
            switch format {
            case .koinos:
                guard let bytes = Base64URL.decode(text), bytes.count == 65 else {
                    throw CLIFailure.badInput("--signature must be 65 bytes of base64url for --format koinos")
                }
                guard let address = KoinosSignature.recoverAddress(digest: digest, signature: bytes) else {
                    throw CLIFailure.badInput("--signature does not recover (header must be 31 or 32, s low)")
                }
                print(address.base58)
            case .ethereum:
                guard text.hasPrefix("0x"), let bytes = ChainHex.decode(text), bytes.count == 65 else {
                    throw CLIFailure.badInput("--signature must be 0x + 130 hex digits for --format ethereum")
                }
                guard let address = EthereumSignature.recoverAddress(digest: digest, signature: bytes) else {
                    throw CLIFailure.badInput("--signature does not recover (v must be 27 or 28)")
                }
                print(address.checksummed)
            }
        }
    }
}
