// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import BridgeKeystore
import BridgeNode
import ChainCrypto
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Unlocking the keystore a node configuration names, the same way for `run` and `config check`.
///
/// The passphrase comes from `keystore.passphrase_file`, else `BRIDGE_RELAY_PASSPHRASE`, else (for
/// `run` only) a no-echo terminal prompt. It is zeroed after use and never printed. Blocking
/// (file reads, Argon2id): call off the cooperative pool.
enum NodeKeystore {
    /// Whether a passphrase can be had without asking (a file or the environment variable).
    static func hasPassphraseSource(_ configuration: BridgeNodeConfiguration) -> Bool {
        !configuration.keystore.passphraseFile.isEmpty || getenv(PassphraseOptions.environmentVariable) != nil
    }

    /// The unlocked keys, or one line saying why not (the keystore's own error names its path once).
    static func unlock(_ configuration: BridgeNodeConfiguration) -> Result<NodeKeys, CLIFailure> {
        let file = configuration.keystore.passphraseFile
        var passphrase: [UInt8]
        do {
            let source = try PassphraseOptions.parse(file.isEmpty ? [] : ["--passphrase-file", configuration.resolve(file)])
            passphrase = try source.read(confirm: false)
        } catch let failure as CLIFailure {
            return .failure(.failed(failure.message))
        } catch {
            return .failure(.failed("\(error)"))
        }
        defer { Sodium.zero(&passphrase) }
        let path = configuration.resolve(configuration.keystore.path)
        do {
            return .success(try NodeKeys(unlocked: try Keystore.load(path: path, passphrase: passphrase)))
        } catch let error as KeystoreError {
            return .failure(.failed(error.description))
        } catch {
            return .failure(.failed("cannot unlock keystore \(path): \(error)"))
        }
    }

    /// `config check`'s keystore line: unlocks when a passphrase source is given, else reads the
    /// clear fields (a garbage file is reported either way). Nil when fine.
    static func checkProblem(_ configuration: BridgeNodeConfiguration) -> ConfigurationProblem? {
        let path = configuration.resolve(configuration.keystore.path)
        if hasPassphraseSource(configuration) {
            if case .failure(let failure) = unlock(configuration) { return ConfigurationProblem(key: "keystore.path", message: failure.message) }
            return nil
        }
        do {
            _ = try Keystore.publicInfo(path: path)
            return nil
        } catch {
            return ConfigurationProblem(key: "keystore.path", message: "\(error)")
        }
    }
}
