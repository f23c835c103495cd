// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import Ethereum

extension EthereumSender {
    /// Sends `data` to the bridge contract as an EIP-1559 transaction signed and paid by the relayer
    /// key: gas estimated first (a revert throws `EthereumSendError.reverted` with the contract's
    /// reason, and nothing is sent), fees from `EthereumSubmissionPlanner` within the caps, the
    /// sender's own nonce counter (shared with `completeTransfer` deliveries, resynced on a conflict).
    /// Used by `completeTransfer` and by quorum-signed admin calls (`EthereumAdminContract`).
    public func sendToBridge(_ data: [UInt8]) async throws -> (hash: [UInt8], nonce: UInt64, fees: TransactionFees) {
        let estimate = try await rpc.estimateGas(from: configuration.address, to: configuration.bridge, data: data)
        let gas = estimate.multipliedReportingOverflow(by: 100 + configuration.gasMarginPercent).partialValue / 100
        let baseFee = try await rpc.latestBaseFee()
        let tip = (try? await rpc.maxPriorityFeePerGas()) ?? nil
        let fees = EthereumSubmissionPlanner(configuration: configuration).initialFees(baseFee: baseFee, suggestedTip: tip)
        let (hash, nonce) = try await signAndSend(data: data, gasLimit: max(gas, estimate), fees: fees)
        return (hash, nonce, fees)
    }

    /// The bridge contract's validator set as the sender uses it (re-read every `validatorRefreshMs`).
    public func validators() async throws -> ValidatorSet { try await currentValidators() }
}
