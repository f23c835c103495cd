// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
public import Ethereum

/// Calldata of the Ethereum bridge's quorum-signed admin functions (bridge-contracts.md §2.4, §3.1;
/// contracts/ethereum/Bridge.vy): `addValidator(bytes[] signatures, address validator, uint256
/// expiration)` and the five other address actions of the same shape, `pause(bytes[], uint256)`,
/// `unpause(bytes[], uint256)`. The contract rebuilds the digest from its own nonce, address and
/// chain id, so only the signatures, the target and the expiration travel.
public enum EthereumAdminCalls {
    static let addressParameters: [ABIType] = [.array(.bytes), .address, .uint(256)]
    static let pauseParameters: [ABIType] = [.array(.bytes), .uint(256)]

    /// The contract function for an admin action.
    public static func function(_ kind: AdminActionKind) -> ABIFunction {
        switch kind {
        case .addValidator: ABIFunction(name: "addValidator", parameters: addressParameters)
        case .removeValidator: ABIFunction(name: "removeValidator", parameters: addressParameters)
        case .addToken: ABIFunction(name: "addSupportedToken", parameters: addressParameters)
        case .removeToken: ABIFunction(name: "removeSupportedToken", parameters: addressParameters)
        case .addWrappedToken: ABIFunction(name: "addSupportedWrappedToken", parameters: addressParameters)
        case .removeWrappedToken: ABIFunction(name: "removeSupportedWrappedToken", parameters: addressParameters)
        case .pause: ABIFunction(name: "pause", parameters: pauseParameters)
        case .unpause: ABIFunction(name: "unpause", parameters: pauseParameters)
        }
    }

    /// The call carrying exactly the quorum set (`AdminProposalState.submissionSet`: Q(N) signatures
    /// of distinct current validators, sorted by address), or nil below quorum, for a Koinos
    /// proposal or a non-admin action. `entryPoint` is the 4-byte selector, `arguments` the whole calldata.
    public static func call(for state: AdminProposalState) -> AdminContractCall? {
        guard state.proposal.chain == .ethereum, let set = state.submissionSet, let kind = state.proposal.kind else { return nil }
        let message = state.proposal.message
        let function = function(kind)
        let signatures = ABIValue.array(set.map { .bytes($0.signature) })
        let data: [UInt8]
        switch message.target {
        case .address(let address):
            guard address.count == 20 else { return nil }
            data = ABIEncoder.call(function, [signatures, .address(address), .uint(ABIWord(message.expiration))])
        case .pause:
            data = ABIEncoder.call(function, [signatures, .uint(ABIWord(message.expiration))])
        }
        let selector = function.selector.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return AdminContractCall(contract: message.contract, entryPoint: selector, arguments: data, method: function.name)
    }
}
