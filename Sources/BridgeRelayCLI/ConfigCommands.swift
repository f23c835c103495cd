// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import BridgeNode
import Foundation

/// Options every command that reads the node configuration shares.
///
/// Precedence: the YAML file < `BRIDGE_RELAY_<SECTION>_<KEY>` environment variables < flags
/// (`--set section.key=value`, and the shortcuts below, applied after `--set`).
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: "Path of the YAML configuration file.")
    var config: String

    @Option(name: .customLong("set"), help: ArgumentHelp("Override one key: section.key=value (repeatable).", valueName: "key=value"))
    var overrides: [String] = []

    @Option(name: .customLong("data-dir"), help: "Shortcut for --set data_dir=PATH.")
    var dataDir: String?

    @Option(name: .customLong("http-listen"), help: "Shortcut for --set http.listen=HOST:PORT.")
    var httpListen: String?

    @Option(name: .customLong("log-level"), help: "Shortcut for --set log.level=LEVEL.")
    var logLevel: String?

    @Option(name: .customLong("log-format"), help: "Shortcut for --set log.format=auto|human|json.")
    var logFormat: String?

    /// Every flag override in application order.
    var flags: [String] {
        var out = overrides
        if let dataDir { out.append("data_dir=\(dataDir)") }
        if let httpListen { out.append("http.listen=\(httpListen)") }
        if let logLevel { out.append("log.level=\(logLevel)") }
        if let logFormat { out.append("log.format=\(logFormat)") }
        return out
    }

    /// Loads and validates; prints every problem (one line each, naming the key) to `output`.
    /// Returns nil when the configuration cannot be used.
    func loadValidated(printingTo output: (String) -> Void) -> ValidatedConfiguration? {
        guard let (configuration, _) = loadChecked(printingTo: output) else { return nil }
        switch configuration.validated() {
        case .success(let typed): return typed
        case .failure(let found):
            for problem in found.problems { output(problem.description) }
            return nil
        }
    }

    /// The configuration and its problems; nil (after printing why) when the file cannot be read.
    func loadChecked(printingTo output: (String) -> Void) -> (BridgeNodeConfiguration, [ConfigurationProblem])? {
        do {
            let configuration = try BridgeNodeConfiguration.load(path: config, environment: ProcessInfo.processInfo.environment, flags: flags)
            guard case .failure(let found) = configuration.validated() else { return (configuration, []) }
            return (configuration, found.problems)
        } catch {
            output("\(error)")
            return nil
        }
    }
}

/// `bridge-relay config …`: configuration tools.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Check the node configuration.",
        subcommands: [Check.self]
    )

    /// `bridge-relay config check --config PATH`: one line per problem naming its key (exit 1), or `ok`.
    ///
    /// Beyond the values it checks what `run` would meet: each listen address is bound and released
    /// (skipped, with a note, while a node runs on the data folder), and the keystore is unlocked
    /// when a passphrase source is given (`keystore.passphrase_file` or `BRIDGE_RELAY_PASSPHRASE`),
    /// else its clear fields are read.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate a configuration: prints one line per problem naming the key (exit 1), or 'ok' (exit 0)."
        )

        @OptionGroup var options: ConfigOptions

        func run() throws {
            guard let (configuration, found) = options.loadChecked(printingTo: { print($0) }) else { throw ExitCode(1) }
            var problems = found
            let keys = Set(found.map(\.key))
            if !keys.contains("data_dir"), let held = InstanceLock.dataDirectoryProblem(configuration.resolve(configuration.dataDir)) {
                print("note: \(held.description); listen addresses not probed")
            } else {
                problems += ListenAddressProbe.problems(configuration).filter { !keys.contains($0.key) }
            }
            if !keys.contains(where: { $0.hasPrefix("keystore.") }), let problem = NodeKeystore.checkProblem(configuration) {
                problems.append(problem)
            }
            for problem in problems { print(problem.description) }
            guard problems.isEmpty else { throw ExitCode(1) }
            for warning in configuration.trustWarnings() { print("warning: \(warning)") }
            print("ok")
        }
    }
}
