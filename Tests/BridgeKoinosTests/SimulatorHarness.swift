// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeKoinos
import BridgeStore
import BridgeTesting
import ChainCrypto
import Foundation
import JSONRPC
import Koinos
import KoinosTestSupport
import Primitives

/// One validator node's submitter against the simulator, with its own in-memory database.
struct SubmitterNode {
    let validator: TestValidator
    let submitter: KoinosSubmitter
    let db: BridgeDatabase
}

extension KoinosSimulatorProcess {
    /// Starts a simulator whose validators are `validators`, each funded with mana; on-demand blocks,
    /// each irreversible at once unless `irreversibleDepth` says otherwise (LIB = head − depth).
    static func start(
        validators: [TestValidator], profile: ContractProfile, irreversibleDepth: Int = 0, extra: [String] = []
    ) async throws -> KoinosSimulatorProcess? {
        var args = ["--profile", profile.rawValue, "--validators", validators.map(\.base58).joined(separator: ","),
                    "--block-interval-ms", "0", "--mana-regen-ms", "3600000", "--irreversible-depth", String(irreversibleDepth)]
        for v in validators { args += ["--account", "\(v.base58):5000000000"] }
        return try await start(args + extra)
    }

    /// A submitter node for `validator` (payer = the validator key) reading the set from the contract.
    func node(
        _ validator: TestValidator, profile: ContractProfile, clock: VirtualClock, takeoverMs: UInt64 = 10_000,
        configure: (inout KoinosSubmitterConfiguration) -> Void = { _ in }
    ) throws -> SubmitterNode {
        var c = KoinosSubmitterConfiguration(bridgeContract: bridge, profile: profile, payerKey: validator.key)
        c.takeoverTimeoutMs = takeoverMs
        c.validatorRefreshIntervalMs = 3_600_000
        c.inclusionTimeoutMs = 15_000
        c.recheckIntervalMs = 1_000
        configure(&c)
        let db = try BridgeDatabase()
        let submitter = KoinosSubmitter(configuration: c, chain: rpc, queue: SQLiteSubmissionQueue(db), clock: clock, random: { 0.5 })
        return SubmitterNode(validator: validator, submitter: submitter, db: db)
    }

    func balance(_ owner: [UInt8]) async throws -> UInt64 {
        try await rpc.tokenBalance(token: koin, owner: owner)
    }

    /// Signs and submits one call from `payer` outside any submitter (admin calls, duplicates).
    func submitCall(from payer: TestValidator, entryPoint: UInt32, args: [UInt8], contract: [UInt8]? = nil) async throws(KoinosError) {
        let operation = KoinosOperation.callContract(.init(contractID: contract ?? bridge, entryPoint: entryPoint, args: args))
        let chain = try await rpc.chainID()
        var tx = KoinosTransaction.make(
            chainID: chain, rcLimit: 50_000_000, nonce: try await rpc.nextNonce(payer.address), payer: payer.address, operations: [operation])
        do { try tx.sign(with: payer.key) } catch { throw .malformedResponse("signing failed: \(error)") }
        _ = try await rpc.submitTransaction(tx)
    }
}

/// The v1 `remove_validator` call, quorum-signed over the §2.4 digest with the contract nonce.
enum RemoveValidatorCall {
    static let entryPoint: UInt32 = 0xff61_ff26

    static func args(removing validator: [UInt8], signers: [TestValidator], nonce: UInt64, bridge: [UInt8], expiration: UInt64) throws -> [UInt8] {
        let message = AdminActionMessage(
            profile: .v1, action: .removeValidator, target: .address(validator), nonce: nonce, contract: bridge, expiration: expiration)
        let digest = SHA256Digest.hash(message.koinosEncoded())
        var w = ProtobufWriter(defaultValues: .omitted)
        for signer in signers { w.messageField(1, try KoinosSignature.sign(digest: digest, key: signer.key)) }
        w.bytes(2, validator)
        w.uint64(3, expiration)
        return w.bytes
    }
}
