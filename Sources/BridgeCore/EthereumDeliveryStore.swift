// SPDX-License-Identifier: Apache-2.0

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

/// Storage of the sender's work: the quorum-complete transfers still to deliver and the
/// delivery rows. The node implements it over its database (`DatabaseDeliveryStore`, BridgeEthereum);
/// tests use `InMemoryDeliveryStore` (Tests/BridgeTesting).
public protocol EthereumDeliveryStore: Sendable {
    /// Transfers not yet completed, oldest first, at most `limit`.
    func deliverableTransfers(limit: Int) async throws -> [CompletableTransfer]
    func record(for transferID: String) async throws -> DeliveryRecord?
    func save(_ record: DeliveryRecord) async throws
}
