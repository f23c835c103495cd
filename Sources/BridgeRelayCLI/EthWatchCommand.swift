// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import BridgeCore
import BridgeNode
import BridgeEthereum
import BridgeStore
import Ethereum
import Foundation
import Logging
import ServiceLifecycle

/// `bridge-relay eth watch` (hidden): the Ethereum watcher alone against a database, for tests
/// and diagnosis. Logs go to stderr; with `--print` each newly committed observation is one JSON
/// line on stdout.
struct EthWatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch", abstract: "Run the Ethereum watcher alone against a database.", shouldDisplay: false)

    @OptionGroup var endpoints: EthEndpointOptions

    @Option(help: "SQLite database path (created if missing).")
    var db: String

    @Option(help: "First block when the database has no cursor yet.")
    var from: UInt64 = 0

    @Option(name: .customLong("max-window"), help: "Largest eth_getLogs window in blocks.")
    var maxWindow: UInt64 = 2_000

    @Option(name: .customLong("poll-ms"), help: "Poll interval once caught up, in milliseconds.")
    var pollMs: Int = 1_000

    @Option(name: .customLong("stall-ms"), help: "A head still this long while another moves demotes its endpoint.")
    var stallMs: UInt64 = 30_000

    @Flag(help: "Require two endpoints to agree on every log range.")
    var agreement = false

    @Flag(help: "Print each newly committed observation as a JSON line on stdout.")
    var print = false

    @Option(name: .customLong("exit-at"), help: "Exit 0 once the cursor reaches this block (tests).")
    var exitAt: UInt64?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error.")
    var logLevel: String = "info"

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be trace, debug, info, notice, warning, error or critical, got \(logLevel)")
        }
    }

    func run() async throws {
        LoggingBootstrap.bootstrap(level: Logger.Level(rawValue: logLevel) ?? .info, format: .human)
        let logger = Logger(label: "bridge.eth-watcher")
        do {
            let clients = endpoints.clients()
            let chainID = try await endpoints.resolveChainID(clients)
            var configuration = EthereumWatcherConfiguration(
                chainID: chainID, contract: endpoints.contractBytes, profile: endpoints.contractProfile,
                finality: endpoints.finalityMode, startBlock: from)
            configuration.maxWindow = maxWindow
            configuration.pollInterval = .milliseconds(pollMs)
            configuration.errorBackoff = .milliseconds(min(pollMs, 1_000))
            configuration.stallMs = stallMs
            let database = try BridgeDatabase(path: db)
            let pool = EndpointPool(
                clients: clients, expectedChainID: chainID, trust: agreement ? .twoAgree : .failover, clock: SystemBridgeClock(), logger: logger,
                stallMs: stallMs)
            let watcher = EthereumWatcher(configuration: configuration, pool: pool, store: SQLiteObservationStore(database), clock: ContinuousClock(), logger: logger)
            let group = ServiceGroup(configuration: .init(services: [watcher], logger: logger))
            let cursorName = configuration.cursorName
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                tasks.addTask {
                    for await record in watcher.observations where print {
                        FileHandle.standardOutput.write(Data((observationJSON(record) + "\n").utf8))
                    }
                }
                if let exitAt {
                    tasks.addTask {
                        while try await (database.cursorBlock(cursorName) ?? 0) <= exitAt {
                            try await Task.sleep(for: .milliseconds(100))
                        }
                        await group.triggerGracefulShutdown()
                    }
                }
                try await tasks.next()
                try await tasks.waitForAll()
            }
        } catch {
            throw failEth(error)
        }
    }
}
