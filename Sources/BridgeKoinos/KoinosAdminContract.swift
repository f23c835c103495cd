// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
public import ChainCrypto
public import Koinos

/// The Koinos bridge contract's admin side: the shared nonce, the quorum call and its transaction
/// (signed and paid by the node's Koinos key, like `complete_transfer`).
public struct KoinosAdminContract: AdminContractPort {
    let rpc: KoinosRPCClient
    let contract: [UInt8]
    let profile: ContractProfile
    let payerKey: Secp256k1.PrivateKey
    let rcLimitCap: UInt64

    public init(rpc: KoinosRPCClient, contract: [UInt8], profile: ContractProfile, payerKey: Secp256k1.PrivateKey, rcLimitCap: UInt64 = 500_000_000) {
        self.rpc = rpc
        self.contract = contract
        self.profile = profile
        self.payerKey = payerKey
        self.rcLimitCap = rcLimitCap
    }

    public func currentNonce() async throws -> UInt64 {
        try await rpc.bridgeMetadata(bridge: contract, version: profile.koinosVersion).nonce
    }

    public func readyCall(_ state: AdminProposalState) -> AdminContractCall? {
        Self.call(for: state)
    }

    /// The call carrying exactly the quorum set (nil below quorum or for a non-admin action).
    public static func call(for state: AdminProposalState) -> AdminContractCall? {
        guard let set = state.submissionSet, let kind = state.proposal.kind else { return nil }
        let message = state.proposal.message
        let signatures = set.map(\.signature)
        let method: KoinosBridgeContract.AdminMethod
        switch kind {
        case .addValidator: method = .addValidator
        case .removeValidator: method = .removeValidator
        case .addToken: method = .addSupportedToken
        case .removeToken: method = .removeSupportedToken
        case .addWrappedToken: method = .addSupportedWrappedToken
        case .removeWrappedToken: method = .removeSupportedWrappedToken
        case .pause, .unpause: method = .setPause
        }
        let arguments: [UInt8]
        switch message.target {
        case .address(let address):
            arguments = KoinosBridgeContract.adminAddressArguments(signatures: signatures, address: address, expiration: message.expiration)
        case .pause(let paused):
            arguments = KoinosBridgeContract.setPauseArguments(signatures: signatures, pause: paused, expiration: message.expiration)
        }
        return AdminContractCall(contract: message.contract, entryPoint: method.entryPoint, arguments: arguments, method: method.rawValue)
    }

    public func submit(_ call: AdminContractCall) async throws -> [UInt8] {
        let payer = KoinosAddress(publicKey: payerKey.publicKey).bytes
        let operation = KoinosOperation.callContract(.init(contractID: call.contract, entryPoint: call.entryPoint, args: call.arguments))
        let chain = try await rpc.chainID()
        let rc = try await rpc.accountRC(payer)
        let nonce = try await rpc.nextNonce(payer)
        var transaction = KoinosTransaction.make(chainID: chain, rcLimit: min(rc, rcLimitCap), nonce: nonce, payer: payer, operations: [operation])
        try transaction.sign(with: payerKey)
        _ = try await rpc.submitTransaction(transaction)
        return transaction.id
    }
}
