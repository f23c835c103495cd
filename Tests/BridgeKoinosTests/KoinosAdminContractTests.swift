// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeKoinos
import BridgeSigning
import ChainCrypto
import Koinos
import Testing

/// The admin calls' entry points and argument layouts (bridge-contracts.md §3.3).
@Suite struct KoinosAdminContractTests {
    @Test func entryPointsAreTheSDKsHashOfTheMethodNames() {
        for method in KoinosBridgeContract.AdminMethod.allCases {
            #expect(method.entryPoint == KoinosEntryPoint.id(of: method.rawValue), "\(method.rawValue)")
        }
    }

    @Test func readyCallCarriesExactlyTheQuorumSetInAddressOrder() throws {
        let signers = try (1...4).map { Secp256k1AttestationSigner(key: try Secp256k1.PrivateKey(rawRepresentation: Array(repeating: 0, count: 31) + [UInt8($0)])) }
        let contract = KoinosAddress("1Fp3iNkmGKMPVdTpC7i3rttBBXVi7CDoX7")!.bytes
        let token = KoinosAddress("1NyaTjhcDQEZMGWSSmhEXZoP3G9NSQ7SZN")!.bytes
        let message = AdminActionMessage(profile: .v1, action: .removeSupportedToken, target: .address(token), nonce: 4, contract: contract, expiration: 99)
        let proposal = AdminProposal(message: message, proposer: signers[0].validatorAddress, proposedAtMilliseconds: 0, hashing: ChainHashing())
        let signatures = try signers.map { ValidatorSignature(validator: $0.validatorAddress, signature: try $0.signKoinos(digest: proposal.digest)) }
            .sorted { $0.validator.lexicographicallyPrecedes($1.validator) }
        let below = AdminProposalState(proposal: proposal, signatures: Array(signatures.prefix(2)), required: 3)
        #expect(KoinosAdminContract.call(for: below) == nil)
        let ready = AdminProposalState(proposal: proposal, signatures: signatures, required: 3)
        let call = try #require(KoinosAdminContract.call(for: ready))
        #expect(call.method == "remove_supported_token")
        #expect(call.contract == contract)
        let fields = try KoinosProtoReader.fields(call.arguments)
        #expect(try fields.repeatedBytes(1) == signatures.prefix(3).map(\.signature))
        #expect(try fields.bytes(2) == token)
        #expect(try fields.varint(3) == 99)
        let pause = AdminProposalState(
            proposal: AdminProposal(
                message: AdminActionMessage(profile: .v1, action: .setPause, target: .pause(true), nonce: 4, contract: contract, expiration: 99),
                proposer: signers[0].validatorAddress, proposedAtMilliseconds: 0, hashing: ChainHashing()),
            signatures: signatures, required: 3)
        let pauseCall = try #require(KoinosAdminContract.call(for: pause))
        #expect(pauseCall.entryPoint == 0x39a2_c4e4)
        #expect(try KoinosProtoReader.fields(pauseCall.arguments).varint(2) == 1)
    }
}
