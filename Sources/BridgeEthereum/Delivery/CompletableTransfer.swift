// SPDX-License-Identifier: Apache-2.0
public import BridgeCore

/// The sender's input: a Koinos → Ethereum transfer whose `completeTransfer` digest a quorum of
/// validators signed (bridge-contracts.md §2.3).
///
/// `signatures[].validator` is the 20-byte Ethereum address each 65-byte `r ‖ s ‖ v` signature is
/// claimed to recover to; the planner re-checks every one before it is sent.
public struct CompletableTransfer: Sendable, Hashable {
    /// The observation id (rotation seed, logs, the delivery record's key).
    public var id: String
    public var message: EthereumTransferMessage
    public var signatures: [ValidatorSignature]
    /// When quorum was reached (ms): the rotation's origin.
    public var quorumAtMs: UInt64

    public init(id: String, message: EthereumTransferMessage, signatures: [ValidatorSignature], quorumAtMs: UInt64) {
        self.id = id
        self.message = message
        self.signatures = signatures
        self.quorumAtMs = quorumAtMs
    }
}

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

/// Storage of the sender's work: the quorum-complete transfers still to deliver and the
/// delivery rows. The node implements it over its database; tests use `InMemoryDeliveryStore`.
public protocol EthereumDeliveryStore: Sendable {
    /// Transfers not yet completed, oldest first, at most `limit`.
    func deliverableTransfers(limit: Int) async throws -> [CompletableTransfer]
    func record(for transferID: String) async throws -> DeliveryRecord?
    func save(_ record: DeliveryRecord) async throws
}

/// An `EthereumDeliveryStore` in memory (tests, benchmarks; a node loses it on restart).
public actor InMemoryDeliveryStore: EthereumDeliveryStore {
    private var transfers: [CompletableTransfer] = []
    private var records: [String: DeliveryRecord] = [:]

    public init(_ transfers: [CompletableTransfer] = []) { self.transfers = transfers }

    public func add(_ transfer: CompletableTransfer) { transfers.append(transfer) }

    public func deliverableTransfers(limit: Int) -> [CompletableTransfer] {
        Array(transfers.filter { records[$0.id]?.status != .completed }.prefix(limit))
    }

    public func record(for transferID: String) -> DeliveryRecord? { records[transferID] }

    public func save(_ record: DeliveryRecord) { records[record.transferID] = record }
}
