// SPDX-License-Identifier: Apache-2.0
import ArgumentParser

/// `bridge-relay`: the Koinos bridge validator node and its operator tools.
///
/// Each command group lives in its own file; this root only lists them.
@main
struct BridgeRelay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bridge-relay",
        abstract: "Ethereum → Koinos bridge validator node and operator tools.",
        version: BridgeRelayVersion.current,
        subcommands: [
            // One line per command group (helpers: add yours here).
            KeygenCommand.self, KeysCommand.self, DigestCommand.self, SignCommand.self, RecoverCommand.self,
            EthCommand.self,
            KoinosCommand.self,
            P2PCommand.self,
            RunCommand.self,
            ConfigCommand.self,
            GovernorCommand.self,
            AdminCommand.self,
        ]
    )
}

/// The software version reported by `--version`, heartbeats and `/v1/status`.
enum BridgeRelayVersion {
    static let current = "0.1.0"
}
