// SPDX-License-Identifier: Apache-2.0

/// Where one transfer's delivery stands: the sender's own row, written after every step.
public struct DeliveryRecord: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable, Codable {
        /// Nothing in flight: the next step may send.
        case pending
        /// A transaction is in flight at `nonce` (one or more fee levels in `transactionHashes`).
        case sent
        /// One of our transactions is in a block, waiting for finality.
        case included
        /// The contract reports the transfer completed (by us or by someone else).
        case completed
        /// Refused before sending (estimate) or reverted on-chain; `lastError` has the reason.
        case failed
    }

    public var transferID: String
    public var status: Status
    /// The nonce of the in-flight transaction.
    public var nonce: UInt64?
    /// Every transaction sent at `nonce` (the original, then each fee bump), oldest first.
    public var transactionHashes: [[UInt8]] = []
    /// Fees of the newest transaction at `nonce` (wei per gas).
    public var maxFeePerGas: UInt64 = 0
    public var maxPriorityFeePerGas: UInt64 = 0
    /// When the newest transaction at `nonce` was sent (ms).
    public var sentAtMs: UInt64?
    /// The block holding our transaction (status `included`/`completed`), and its hash.
    public var includedBlock: UInt64?
    public var completingTransaction: [UInt8]?
    /// Failed attempts so far (refusals and reverts).
    public var attempts = 0
    public var lastError: String?
    public var nextAttemptAtMs: UInt64?
    public var updatedAtMs: UInt64

    public init(transferID: String, status: Status = .pending, updatedAtMs: UInt64) {
        self.transferID = transferID
        self.status = status
        self.updatedAtMs = updatedAtMs
    }
}
