// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import BridgeCore
import BridgeEthereum
import BridgeStore
import ChainCrypto
import CurlTransport
import Ethereum
import Foundation
import JSONRPC
import Logging
import ServiceLifecycle

/// `bridge-relay eth …`: operator tools for the Ethereum side.
struct EthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eth",
        abstract: "Ethereum tools: scan a bridge contract's locks through one or more endpoints.",
        subcommands: [EthScanCommand.self, EthWatchCommand.self]
    )
}

/// Options shared by `eth scan` and `eth watch`.
struct EthEndpointOptions: ParsableArguments {
    @Option(name: .customLong("rpc"), help: "Ethereum JSON-RPC URL (repeat for failover).")
    var rpc: [String] = []

    @Option(help: "The bridge contract address (0x…).")
    var contract: String

    @Option(help: "Contract generation: v1 or v2.")
    var profile: String = "v2"

    @Option(help: "Finality: finalized, safe or a confirmation count.")
    var finality: String = "finalized"

    @Option(name: .customLong("chain-id"), help: "Expected EVM chain id (default: what the first endpoint reports).")
    var chainID: UInt64?

    @Option(name: .customLong("timeout"), help: "Per-request timeout in seconds.")
    var timeout: Double = 30

    func validate() throws {
        guard !rpc.isEmpty else { throw ValidationError("at least one --rpc URL is required") }
        guard EthereumAddress(contract) != nil else { throw ValidationError("--contract is not an Ethereum address: \(contract)") }
        guard ContractProfile(rawValue: profile) != nil else { throw ValidationError("--profile must be v1 or v2") }
        guard FinalityMode(finality) != nil else { throw ValidationError("--finality must be finalized, safe or a number") }
    }

    var contractBytes: [UInt8] { EthereumAddress(contract)!.bytes }
    var contractProfile: ContractProfile { ContractProfile(rawValue: profile)! }
    var finalityMode: FinalityMode { FinalityMode(finality)! }

    func clients() -> [EthereumRPCClient] {
        rpc.map { url in
            var c = CurlTransportConfiguration(url: url)
            c.totalTimeout = timeout
            c.connectTimeout = min(5, timeout)
            return EthereumRPCClient(transport: CurlHTTPTransport(configuration: c))
        }
    }

    /// The configured chain id, or the first answering endpoint's; one clear error when none answers.
    func resolveChainID(_ clients: [EthereumRPCClient]) async throws -> UInt64 {
        if let chainID { return chainID }
        var errors: [String] = []
        for c in clients {
            do { return try await c.chainID() } catch { errors.append("\(c.endpointDescription): \(error)") }
        }
        throw EthCLIError("cannot reach any Ethereum endpoint (\(errors.joined(separator: "; ")))")
    }
}

/// A one-line operator error; the command prints it and exits non-zero.
struct EthCLIError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

/// Prints a one-line error to stderr and exits with status 1.
func failEth(_ error: any Error) -> ExitCode {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    return ExitCode(1)
}

/// The JSON object `eth scan` and `eth watch --print` write for one observation.
func observationJSON(_ r: ObservationRecord) -> String {
    let o = r.observation
    var obj: [String: JSONValue] = [
        "id": .string(o.id.description),
        "tx_hash": .string(ChainHex.encode(o.id.transactionHash)),
        "log_index": .int(Int64(o.id.logIndex)),
        "block_number": .int(Int64(clamping: o.blockNumber)),
        "block_hash": .string(ChainHex.encode(o.blockHash)),
        "token": .string(EthereumAddress(bytes: o.token)?.checksummed ?? ""),
        "sender": .string(EthereumAddress(bytes: o.sender)?.checksummed ?? ""),
        "amount": .string(r.amountText),
        "recipient": .string(o.recipient),
        "blocktime_ms": .int(Int64(clamping: o.blockTimeMs)),
        "profile": .string(o.profile.rawValue),
        "status": .string(r.status == .rejected ? "rejected" : "valid"),
    ]
    if o.profile == .v2 {
        obj["payment"] = .string(r.paymentText)
        obj["relayer"] = .string(o.relayer)
        obj["metadata"] = .string(o.metadata)
        obj["chain"] = .int(Int64(o.destinationChain))
    }
    if let reason = r.reason { obj["reason"] = .string(reason) }
    if let digest = r.digest { obj["digest"] = .string(ChainHex.encode(digest)) }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return (try? String(decoding: encoder.encode(JSONValue.object(obj)), as: UTF8.self)) ?? "{}"
}
