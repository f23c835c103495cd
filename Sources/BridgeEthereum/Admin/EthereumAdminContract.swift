// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
public import Ethereum

/// The Ethereum bridge contract's admin side: the shared nonce (`nonce()` over `eth_call`), the
/// quorum call (`EthereumAdminCalls`) and its transaction, sent by the node's `EthereumSender`
/// (EIP-1559, signed and paid by the relayer key, the same nonce counter as `completeTransfer`).
public struct EthereumAdminContract: AdminContractPort {
    public enum SubmitError: Error, Sendable, Hashable, CustomStringConvertible {
        case noSender
        case notTheBridge
        public var description: String {
            switch self {
            case .noSender: "this node has no Ethereum sender (ethereum.relayer / koinos.watcher not configured)"
            case .notTheBridge: "the call is not for this node's Ethereum bridge contract"
            }
        }
    }

    let rpc: EthereumRPCClient
    let bridge: [UInt8]
    /// nil: the node can propose, approve and show, but not submit.
    let sender: EthereumSender?

    public init(rpc: EthereumRPCClient, bridge: [UInt8], sender: EthereumSender?) {
        self.rpc = rpc
        self.bridge = bridge
        self.sender = sender
    }

    public func currentNonce() async throws -> UInt64 { try await rpc.bridgeAdminNonce(bridge: bridge) }

    /// The validators the contract checks signatures against (20-byte addresses).
    public func validators() async throws -> ValidatorSet {
        ValidatorSet(try await rpc.bridgeValidatorSet(bridge: bridge, maxValidators: 256))
    }

    public func readyCall(_ state: AdminProposalState) -> AdminContractCall? { EthereumAdminCalls.call(for: state) }

    /// Sends the call; returns the transaction hash. A revert at gas estimation (stale nonce,
    /// "invalid signatures", "validator already exists") throws with the contract's reason.
    public func submit(_ call: AdminContractCall) async throws -> [UInt8] {
        guard let sender else { throw SubmitError.noSender }
        guard call.contract == bridge else { throw SubmitError.notTheBridge }
        return try await sender.sendToBridge(call.arguments).hash
    }
}
