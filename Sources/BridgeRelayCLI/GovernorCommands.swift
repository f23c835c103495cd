// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import BridgeCore
import BridgeNode
import BridgeStore
import Foundation
import Logging

/// `bridge-relay governor …`: local operator actions on the outflow governor's queue.
struct GovernorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "governor",
        abstract: "The outflow governor's queue (local operator actions).",
        subcommands: [GovernorReleaseCommand.self, GovernorListCommand.self]
    )
}

/// `bridge-relay governor release ID --config PATH`: signs a delayed transfer early.
///
/// Works while the node runs: it opens the node's SQLite database (WAL: the node keeps reading and
/// writing) and moves the transfer `delayed` → `observed`; the node's next signing round signs it.
struct GovernorReleaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release",
        abstract: "Release a delayed transfer now (the running node signs it on its next round)."
    )

    @OptionGroup var options: ConfigOptions

    @Argument(help: "Transfer id as /v1/governor lists it: <chainID>:0x<txhash>:<logIndex> (Ethereum lock) or koinos:0x<txid>:<op> (Koinos lock).")
    var id: String

    func run() async throws {
        guard let observation = GovernedTransferID(id) else {
            printError("not a transfer id: expected <chainID>:0x<64 hex>:<logIndex> or koinos:0x<68 hex>:<operation>")
            throw ExitCode(CLIFailure.badInputStatus)
        }
        let database = try await GovernorDatabase.open(options)
        let now = SystemBridgeClock().nowMilliseconds
        let released = try await SQLiteGovernorRepository(database).releaseTransferEarly(observation, atMilliseconds: now)
        let logger = Logger(label: "bridge-relay.governor")
        guard released else {
            logger.warning("Governor release refused: not a delayed transfer", metadata: ["transfer.id": "\(observation)"])
            printError("\(observation) is not delayed (unknown, or already released or signed)")
            throw ExitCode(CLIFailure.operationFailedStatus)
        }
        logger.notice("Governor: delayed transfer released early by the operator", metadata: ["transfer.id": "\(observation)", "governor.released_at_ms": "\(now)"])
        print("released \(observation): the node signs it on its next round")
    }
}

/// `bridge-relay governor list --config PATH`: the queued transfers and their release times.
struct GovernorListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List delayed transfers with their release times.")

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let database = try await GovernorDatabase.open(options)
        for item in try await SQLiteGovernorRepository(database).governorQueue() {
            guard case .delayed(let release, let reason) = item.entry.decision else { continue }
            print("\(item.entry.transfer.id)  amount \(item.entry.transfer.amount)  release_at_ms \(release)  \(reason.rawValue)")
        }
    }
}

enum GovernorDatabase {
    /// The node's database under the configured data folder (opened off the cooperative pool).
    static func open(_ options: ConfigOptions) async throws -> BridgeDatabase {
        var lines: [String] = []
        guard let configuration = options.loadValidated(printingTo: { lines.append($0) }) else {
            for line in lines { printError(line) }
            throw ExitCode(CLIFailure.badInputStatus)
        }
        let path = configuration.dataDirectory + "/" + BridgeNode.databaseFileName
        let database = try await OffPool.run("bridge-relay-governor-db") { () -> BridgeDatabase? in
            FileManager.default.fileExists(atPath: path) ? try BridgeDatabase(path: path) : nil
        }
        guard let database else {
            printError("no database at \(path): has the node run with this configuration?")
            throw ExitCode(CLIFailure.operationFailedStatus)
        }
        return database
    }
}
