// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import BridgeCore
import BridgeSigning
import ChainCrypto

/// `bridge-relay digest …`: prints the digest the contracts check, so an operator can verify by
/// hand what the node will sign (bridge-contracts.md §2.2 and §2.3).
struct DigestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digest",
        abstract: "Print the digest a validator signs for a transfer.",
        subcommands: [CompleteTransferDigest.self, EthCompleteTransferDigest.self]
    )
}

/// Ethereum → Koinos: `0x` + sha256 of the `complete_transfer_hash` protobuf.
struct CompleteTransferDigest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "complete-transfer",
        abstract: "Koinos-bound digest: sha256(complete_transfer_hash) for an Ethereum lock."
    )

    @Option(help: "Contract profile: v1 or v2 (required).") var profile: String?
    @Option(name: .customLong("eth-tx"), help: "Ethereum transaction hash, 0x + 64 hex (required).") var ethTx: String?
    @Option(help: "Koinos token contract id, base58 (required).") var token: String?
    @Option(help: "Koinos recipient address, base58 (required).") var recipient: String?
    @Option(parsing: .unconditional, help: "Normalised amount, decimal (required).") var amount: String?
    @Option(help: "Koinos bridge contract id, base58 (required).") var contract: String?
    @Option(parsing: .unconditional, help: "Expiration in milliseconds (required).") var expiration: String?
    @OptionGroup var v2: V2TransferOptions

    func run() throws {
        try reportingFailures {
            let profile = try CLIInput.profile(profile)
            try v2.check(profile)
            let message = KoinosTransferMessage(
                profile: profile,
                transactionID: try CLIInput.hex(ethTx, "--eth-tx", count: 32),
                token: try CLIInput.koinosAddress(token, "--token"),
                recipient: try CLIInput.koinosAddress(recipient, "--recipient"),
                relayer: try v2.relayer.map { try CLIInput.koinosAddress($0, "--relayer") } ?? [],
                amount: try CLIInput.uint64(amount, "--amount"),
                payment: try v2.paymentValue(),
                metadata: v2.metadata ?? "",
                contractID: try CLIInput.koinosAddress(contract, "--contract"),
                expiration: try CLIInput.uint64(expiration, "--expiration"),
                chain: try v2.chainValue())
            print(ChainHex.encode(message.digest))
        }
    }
}

/// Koinos → Ethereum: `0x` + the EIP-191 digest of the packed `completeTransfer` message.
struct EthCompleteTransferDigest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eth-complete-transfer",
        abstract: "Ethereum-bound digest: EIP-191(keccak256(packed completeTransfer)) for a Koinos lock."
    )

    @Option(help: "Contract profile: v1 or v2 (required).") var profile: String?
    @Option(name: .customLong("koinos-tx"), help: "Koinos transaction id, 0x1220 + 64 hex (required).") var koinosTx: String?
    @Option(name: .customLong("op-id"), parsing: .unconditional, help: "Operation id (event sequence), decimal (required).") var opID: String?
    @Option(help: "Ethereum token address (required).") var token: String?
    @Option(help: "Ethereum recipient address (required).") var recipient: String?
    @Option(parsing: .unconditional, help: "Amount, decimal (required).") var amount: String?
    @Option(help: "Ethereum bridge contract address (required).") var bridge: String?
    @Option(parsing: .unconditional, help: "Expiration in milliseconds (required).") var expiration: String?
    @OptionGroup var v2: V2TransferOptions

    func run() throws {
        try reportingFailures {
            let profile = try CLIInput.profile(profile)
            try v2.check(profile)
            let message = EthereumTransferMessage(
                profile: profile,
                koinosTransactionID: try CLIInput.koinosTransactionID(koinosTx),
                operationID: try CLIInput.uint64(opID, "--op-id"),
                token: try CLIInput.ethereumAddress(token, "--token"),
                relayer: try v2.relayer.map { try CLIInput.ethereumAddress($0, "--relayer") } ?? [UInt8](repeating: 0, count: 20),
                recipient: try CLIInput.ethereumAddress(recipient, "--recipient"),
                value: try CLIInput.uint64(amount, "--amount"),
                payment: try v2.paymentValue(),
                metadata: v2.metadata ?? "",
                bridge: try CLIInput.ethereumAddress(bridge, "--bridge"),
                expiration: try CLIInput.uint64(expiration, "--expiration"),
                chainID: try v2.chainValue())
            print(ChainHex.encode(message.digest))
        }
    }
}

/// The v2-only fields both digests take; refused with a v1 profile.
struct V2TransferOptions: ParsableArguments {
    @Option(help: "v2: relayer address (base58 for the Koinos-bound digest; 0x for the Ethereum-bound one, default the zero address).")
    var relayer: String?
    @Option(parsing: .unconditional, help: "v2: relayer payment, decimal.") var payment: String?
    @Option(help: "v2: metadata string.") var metadata: String?
    @Option(parsing: .unconditional, help: "v2: the bridge's uint32 chain id.") var chain: String?

    func check(_ profile: ContractProfile) throws {
        try CLIInput.rejectV2Only(
            profile, [("--relayer", relayer != nil), ("--payment", payment != nil), ("--metadata", metadata != nil), ("--chain", chain != nil)])
    }

    func paymentValue() throws -> UInt64 { try payment.map { try CLIInput.uint64($0, "--payment") } ?? 0 }
    func chainValue() throws -> UInt32 { try chain.map { try CLIInput.uint32($0, "--chain") } ?? 0 }
}
