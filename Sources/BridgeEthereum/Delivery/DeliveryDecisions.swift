// SPDX-License-Identifier: Apache-2.0

/// What the sender does next with one transfer.
public enum DeliveryStep: Sendable, Equatable {
    /// Nothing in this pass: not due, or done.
    case nothing
    /// It cannot be sent (expired, other bridge, too few valid signatures): only watch for a
    /// completion by someone else, and look again at `retryAtMs`.
    case park(reason: String, retryAtMs: UInt64)
    /// Not this node's to send now (relayer rule, rotation, policy): only watch for completion.
    case watch(reason: String, retryAtMs: UInt64)
    /// Our transaction is in flight: read its receipts.
    case follow
    /// Ask `isTransferCompleted`; when still open, send `completeTransfer` with `signatures` (in order).
    case send(signatures: [[UInt8]])
}

/// Fees of one transaction (wei per gas).
public struct TransactionFees: Sendable, Hashable {
    public var maxFeePerGas: UInt64
    public var maxPriorityFeePerGas: UInt64

    public init(maxFeePerGas: UInt64, maxPriorityFeePerGas: UInt64) {
        self.maxFeePerGas = maxFeePerGas
        self.maxPriorityFeePerGas = maxPriorityFeePerGas
    }
}

/// What the chain says about our in-flight transaction(s) at one nonce.
public struct InFlightView: Sendable, Hashable {
    /// A receipt of one of our transactions at the nonce, if any.
    public var receipt: Receipt?
    public var head: UInt64
    /// The `finalized` block, when finality is by tag.
    public var finalized: UInt64?
    /// Our account's mined transaction count (`latest`): above our nonce means the nonce is used.
    public var minedNonce: UInt64

    public struct Receipt: Sendable, Hashable {
        public var transactionHash: [UInt8]
        public var blockNumber: UInt64
        public var succeeded: Bool

        public init(transactionHash: [UInt8], blockNumber: UInt64, succeeded: Bool) {
            self.transactionHash = transactionHash
            self.blockNumber = blockNumber
            self.succeeded = succeeded
        }
    }

    public init(receipt: Receipt?, head: UInt64, finalized: UInt64?, minedNonce: UInt64) {
        self.receipt = receipt
        self.head = head
        self.finalized = finalized
        self.minedNonce = minedNonce
    }
}

/// The sender's decision about an in-flight transaction.
public enum FollowDecision: Sendable, Equatable {
    /// Keep waiting (not in a block yet, and not stuck long enough to bump).
    case wait
    /// In a block, not final yet.
    case included(blockNumber: UInt64)
    /// Final and successful: the transfer is completed.
    case final(transactionHash: [UInt8], blockNumber: UInt64)
    /// Mined and reverted.
    case reverted(transactionHash: [UInt8], blockNumber: UInt64)
    /// Stuck: replace at the same nonce with these fees.
    case bump(TransactionFees)
    /// Stuck, and the caps leave no room for a +10 % replacement: wait.
    case stuckAtCap
    /// The nonce was used by a transaction we have no receipt for: check completion, then start over.
    case nonceUsedElsewhere
}
