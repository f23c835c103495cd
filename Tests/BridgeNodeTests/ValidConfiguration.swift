// SPDX-License-Identifier: Apache-2.0
import BridgeNode
import Foundation
import Testing

/// A configuration that passes `validated()`: `config/localnet/validator-1.yaml` with `flags`
/// applied, a data folder of the caller's (created), no passphrase file, and the YAML itself named as the
/// keystore file (validation only checks that the file is there; these configurations are used
/// without keys).
enum ValidConfiguration {
    static let localnetFile = ConfigurationTests.repository.appendingPathComponent("config/localnet/validator-1.yaml").path

    static func make(dataDir: String, _ flags: [String] = []) throws -> ValidatedConfiguration {
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        let all = ["keystore.path=\(localnetFile)", "keystore.passphrase_file=", "data_dir=\(dataDir)"] + flags
        let source = try BridgeNodeConfiguration.load(path: localnetFile, environment: [:], flags: all)
        return try source.validated().get()
    }
}
