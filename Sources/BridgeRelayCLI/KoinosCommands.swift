// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import ChainCrypto
import CurlTransport
import Koinos

/// `bridge-relay koinos …`: read-only operator views of the Koinos side (chain, bridge contract).
struct KoinosCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "koinos",
        abstract: "Inspect the Koinos chain and the bridge contract over JSON-RPC.",
        subcommands: [KoinosChainInfoCommand.self, KoinosValidatorsCommand.self, KoinosTransferStatusCommand.self, KoinosAccountCommand.self]
    )
}

/// Options shared by the Koinos commands.
struct KoinosEndpointOptions: ParsableArguments {
    @Option(help: "Koinos JSON-RPC URL.")
    var rpc: String = "http://127.0.0.1:8080/"

    var client: KoinosRPCClient { KoinosRPCClient(transport: CurlHTTPTransport(url: rpc)) }
}

/// Validates a base58 Koinos address argument.
func parseKoinosAddress(_ text: String, _ name: String) throws -> [UInt8] {
    guard let address = KoinosAddress(text) else { throw ValidationError("\(name) is not a Koinos address: \(text)") }
    return address.bytes
}

struct KoinosChainInfoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "chain-info", abstract: "Chain id, head block and last irreversible block.")
    @OptionGroup var endpoint: KoinosEndpointOptions

    func run() async throws {
        let client = endpoint.client
        let chainID = try await client.chainID()
        let head = try await client.headInfo()
        print("chain_id: \(Base64URL.encode(chainID))")
        print("head: \(head.height) \(ChainHex.encode(head.headID))")
        print("last_irreversible_block: \(head.lastIrreversibleBlock)")
        print("head_block_time_ms: \(head.headBlockTimeMs)")
    }
}

struct KoinosValidatorsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "validators", abstract: "The bridge contract's validator set and metadata.")
    @OptionGroup var endpoint: KoinosEndpointOptions
    @Option(help: "Bridge contract id (base58).") var bridge: String
    @Option(help: "Contract generation: v1 or v2.") var profile: String = "v2"
    @Option(help: "A known validator address to start the page walk from (repeatable).") var seed: [String] = []

    func run() async throws {
        guard let version = KoinosBridgeContract.Version(rawValue: profile) else { throw ValidationError("profile must be v1 or v2") }
        let bridgeID = try parseKoinosAddress(bridge, "bridge")
        let seeds = try seed.map { try parseKoinosAddress($0, "seed") }
        let metadata = try await endpoint.client.bridgeMetadata(bridge: bridgeID, version: version)
        let validators = try await endpoint.client.bridgeValidators(bridge: bridgeID, seeds: seeds)
        print("initialized: \(metadata.initialized) nonce: \(metadata.nonce) chain_id: \(metadata.chainID) nb_validators: \(metadata.validatorCount)")
        for v in validators { print(Base58.encode(v)) }
        if validators.count != Int(metadata.validatorCount) {
            print("warning: listed \(validators.count) validators (give --seed with a current validator to walk the list)")
        }
    }
}

struct KoinosTransferStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "transfer-status", abstract: "Whether the bridge completed an Ethereum transfer.")
    @OptionGroup var endpoint: KoinosEndpointOptions
    @Option(help: "Bridge contract id (base58).") var bridge: String
    @Option(help: "Source Ethereum transaction hash (0x…).") var tx: String

    func run() async throws {
        guard let hash = ChainHex.decode(tx), hash.count == 32 else { throw ValidationError("tx must be a 32-byte 0x hash") }
        let done = try await endpoint.client.transferCompleted(bridge: try parseKoinosAddress(bridge, "bridge"), transactionID: hash)
        print(done ? "completed" : "not completed")
    }
}

struct KoinosAccountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "account", abstract: "Mana, state nonce and pending nonce of an account.")
    @OptionGroup var endpoint: KoinosEndpointOptions
    @Argument(help: "Koinos address (base58).") var address: String

    func run() async throws {
        let account = try parseKoinosAddress(address, "address")
        let client = endpoint.client
        print("rc: \(try await client.accountRC(account))")
        print("nonce: \(try await client.accountNonce(account))")
        print("pending_nonce: \(try await client.pendingNonce(account).map(String.init) ?? "none")")
    }
}
