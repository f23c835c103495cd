// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import BridgeNode
import Foundation
import Logging
import Metrics
import Multiformats
import Prometheus
import ServiceLifecycle

/// `bridge-relay run --config PATH`: validate, take the instance locks, unlock the keys, bootstrap
/// logging and metrics, run every service.
///
/// Refuses to start (exit 1, one `refusing to start: …` line per reason) on the problems `config
/// check` prints, on a data folder or keystore another node holds, and on a listen address in
/// use. SIGTERM/SIGINT start a graceful shutdown; a second signal exits at once.
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
        let started = try await OffPool.run("bridge-relay-start") { NodeStart.prepare(configuration) }
        guard case .success(let start) = started else {
            if case .failure(let refusal) = started {
                for reason in refusal.reasons { FileHandle.standardError.write(Data("refusing to start: \(reason)\n".utf8)) }
            }
            throw ExitCode(1)
        }

        LoggingBootstrap.bootstrap(level: configuration.logLevel, format: configuration.logFormat)
        let logger = Logger(label: "bridge-relay")

        var exposition: (@Sendable () -> [UInt8])?
        if configuration.metricsEnabled {
            let registry = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
            exposition = { registry.emitToBuffer() }
        }

        let keys = start.keys
        let assembly = try BridgeNode.buildServiceGroup(
            configuration: configuration, logger: logger, version: BridgeRelayVersion.current, keys: keys, metricsExposition: exposition,
            releaseStartupCodeAfter: configuration.releaseStartupCode ? BridgeNode.startupCodeReleaseDelay : nil)
        logger.info(
            "bridge-relay starting",
            metadata: [
                "version": "\(BridgeRelayVersion.current)", "profile": "\(configuration.ethereum.profile)",
                "data_dir": "\(configuration.dataDirectory)", "validator": "\(keys.koinosAddress)",
                "peer_id": "\(keys.p2pKey.peerID)",
            ])
        do {
            try await assembly.group.run()
        } catch {
            logger.error("bridge-relay stopped on an error", metadata: ["error": "\(error)"])
            withExtendedLifetime(start.locks) {}
            throw ExitCode(1)
        }
        logger.info("bridge-relay stopped")
        withExtendedLifetime(start.locks) {}  // the instance locks are held until here
    }
}
