// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import BridgeKeystore
import BridgeNode
import ChainCrypto
import Foundation
import Logging
import Metrics
import Multiformats
import Prometheus
import ServiceLifecycle

/// `bridge-relay run --config PATH`: validate, bootstrap logging and metrics, run every service.
///
/// Refuses to start (exit 1) on the same problems `config check` prints. SIGTERM/SIGINT start a
/// graceful shutdown; a second signal exits at once.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the validator node."
    )

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        var lines: [String] = []
        guard let configuration = options.loadValidated(printingTo: { lines.append($0) }) else {
            for line in lines { FileHandle.standardError.write(Data("\(line)\n".utf8)) }
            FileHandle.standardError.write(Data("refusing to start: fix the configuration above (bridge-relay config check)\n".utf8))
            throw ExitCode(1)
        }

        LoggingBootstrap.bootstrap(level: configuration.log.level, format: configuration.log.format)
        let logger = Logger(label: "bridge-relay")

        var exposition: (@Sendable () -> [UInt8])?
        if configuration.metrics.enabled {
            let registry = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
            exposition = { registry.emitToBuffer() }
        }

        let keys = try unlockKeystore(configuration)
        let assembly = try BridgeNode.buildServiceGroup(
            configuration: configuration, logger: logger, version: BridgeRelayVersion.current, keys: keys, metricsExposition: exposition)
        logger.info(
            "bridge-relay starting",
            metadata: [
                "version": "\(BridgeRelayVersion.current)", "profile": "\(configuration.ethereum.profile)",
                "data_dir": "\(configuration.resolve(configuration.dataDir))", "validator": "\(keys.koinosAddress)",
                "peer_id": "\(keys.p2pKey.peerID)",
            ])
        try await assembly.group.run()
        logger.info("bridge-relay stopped")
    }

    /// Unlocks `keystore.path` with `keystore.passphrase_file`, else `BRIDGE_RELAY_PASSPHRASE`, else
    /// a no-echo terminal prompt. The passphrase is zeroed after use and never logged.
    func unlockKeystore(_ configuration: BridgeNodeConfiguration) throws -> NodeKeys {
        let file = configuration.keystore.passphraseFile
        var passphrase: [UInt8]
        do {
            let source = try PassphraseOptions.parse(file.isEmpty ? [] : ["--passphrase-file", configuration.resolve(file)])
            passphrase = try source.read(confirm: false)
        } catch let failure as CLIFailure {
            printError("refusing to start: \(failure.message)")
            throw ExitCode(1)
        }
        defer { Sodium.zero(&passphrase) }
        let path = configuration.resolve(configuration.keystore.path)
        do {
            return try NodeKeys(unlocked: try Keystore.load(path: path, passphrase: passphrase))
        } catch {
            FileHandle.standardError.write(Data("refusing to start: cannot unlock keystore \(path): \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
