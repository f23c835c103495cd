// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import BridgeCore
import BridgeHTTPAPI
import BridgeNode
import Foundation

/// `bridge-relay admin …`: admin actions of the bridge contract, approved by the validators over
/// the p2p network (docs/admin.md). Every command talks to the running node over its local admin
/// socket (`admin.sock` in the data folder, mode 0600); signing is always this explicit act.
struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Propose, approve and submit quorum-signed admin actions (via the running node's admin socket).",
        subcommands: [AdminProposeCommand.self, AdminListCommand.self, AdminShowCommand.self, AdminApproveCommand.self, AdminSubmitCommand.self]
    )
}

struct AdminProposeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "propose",
        abstract: "Sign and publish a proposal: the contract's digest with its current nonce.",
        discussion: """
            ACTION: \(AdminActionKind.allCases.map(\.rawValue).joined(separator: ", ")). Address actions take a base58 Koinos address \
            (--chain koinos, the default) or a 0x Ethereum address (--chain ethereum).
            """
    )

    @OptionGroup var options: ConfigOptions
    @Option(help: "The bridge contract: koinos or ethereum.") var chain: String = "koinos"
    @Argument(help: "The action.") var action: String
    @Argument(help: "Validator or token address (base58 or 0x…); none for pause/unpause.") var address: String?
    @Option(name: .customLong("lifetime"), help: "Seconds the signatures stay valid (default 86400, at most 7 days).") var lifetime: UInt64?

    func run() async throws {
        try await AdminSocketCall.run(options, AdminSocketRequest(command: "propose", action: action, address: address, lifetime_s: lifetime, chain: chain))
    }
}

struct AdminListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the proposals the node holds.")
    @OptionGroup var options: ConfigOptions

    func run() async throws { try await AdminSocketCall.run(options, AdminSocketRequest(command: "list"), detailed: false) }
}

struct AdminShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show a proposal: digest, decoded action, signatures and, at quorum, the ready call.")
    @OptionGroup var options: ConfigOptions
    @Argument(help: "Proposal id (digest hex, or a unique prefix).") var id: String

    func run() async throws { try await AdminSocketCall.run(options, AdminSocketRequest(command: "show", id: id)) }
}

struct AdminApproveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "approve", abstract: "Sign a proposal with this node's key and publish the signature.")
    @OptionGroup var options: ConfigOptions
    @Argument(help: "Proposal id (digest hex, or a unique prefix).") var id: String

    func run() async throws { try await AdminSocketCall.run(options, AdminSocketRequest(command: "approve", id: id)) }
}

struct AdminSubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "submit", abstract: "Send the quorum-signed call to the bridge contract (a Koinos or an EIP-1559 Ethereum transaction).")
    @OptionGroup var options: ConfigOptions
    @Argument(help: "Proposal id (digest hex, or a unique prefix).") var id: String

    func run() async throws { try await AdminSocketCall.run(options, AdminSocketRequest(command: "submit", id: id)) }
}

enum AdminSocketCall {
    /// Sends `request` to the node of `options`' data folder and prints the answer (exit 1 on an error answer).
    static func run(_ options: ConfigOptions, _ request: AdminSocketRequest, detailed: Bool = true) async throws {
        var lines: [String] = []
        guard let configuration = options.loadValidated(printingTo: { lines.append($0) }) else {
            for line in lines { printError(line) }
            throw ExitCode(CLIFailure.badInputStatus)
        }
        let response: AdminSocketResponse
        do {
            response = try await AdminSocketClient.send(request, socketPath: AdminSocketPath.inDataDirectory(configuration.dataDirectory))
        } catch {
            printError("\(error)")
            throw ExitCode(CLIFailure.operationFailedStatus)
        }
        if let error = response.error {
            printError(error)
            throw ExitCode(CLIFailure.operationFailedStatus)
        }
        if let transaction = response.transaction { print("submitted: transaction \(transaction)") }
        for proposal in response.proposals { print(detailed ? describe(proposal) : summary(proposal)) }
    }

    static func summary(_ p: AdminProposalJSON) -> String {
        "\(p.id)  \(p.contract_chain ?? "koinos")  \(p.action) \(p.target ?? "")  nonce \(p.nonce)  \(p.signers.count)/\(p.required)\(p.ready ? " ready" : "")\(p.submitted_tx.map { "  submitted \($0)" } ?? "")"
    }

    static func describe(_ p: AdminProposalJSON) -> String {
        var out = [
            "id (digest)   \(p.id)",
            "action        \(p.action) (action id \(p.action_id))" + (p.target.map { " \($0)" } ?? ""),
            "chain         \(p.contract_chain ?? "koinos") bridge contract",
            "contract      \(p.contract)  profile \(p.profile)" + (p.profile == "v2" ? "  chain \(p.chain)" : ""),
            "nonce         \(p.nonce)",
            "expiration    \(p.expiration_ms) ms (\(Date(timeIntervalSince1970: Double(p.expiration_ms) / 1000)))",
            "proposer      \(p.proposer)",
            "signatures    \(p.signers.count) of \(p.required) required",
        ]
        out += zip(p.signers, p.signatures).map { "  \($0)  \($1)" }
        if let call = p.call, p.contract_chain == AdminChain.ethereum.rawValue {
            out.append("ready call    \(call.method) (selector \(call.entry_point))")
            out.append("  to        \(call.contract)")
            out.append("  calldata  \(call.arguments)")
        } else if let call = p.call {
            out.append("ready call    \(call.method) on \(call.contract) (entry point \(call.entry_point))")
            out.append("  arguments \(call.arguments)")
        }
        if let tx = p.submitted_tx { out.append("submitted     \(tx)") }
        return out.joined(separator: "\n")
    }
}
