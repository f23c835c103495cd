// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import BridgeSigning
public import Logging

/// The node's `EthereumDeliveryStore`: Koinos → Ethereum locks at quorum and their delivery rows
/// from the `EthereumDeliveryRepository` port (`SQLiteEthereumDeliveryRepository`: the Koinos lock
/// tables and `ethereum_delivery`), so a restart neither loses a transfer nor sends one again.
///
/// A stored message that does not unpack to the stored digest is skipped with an error line
/// (never sent): the digest is what the validators signed.
public struct DatabaseDeliveryStore: EthereumDeliveryStore {
    public let rows: any EthereumDeliveryRepository
    let logger: Logger

    public init(rows: any EthereumDeliveryRepository, logger: Logger = Logger(label: "bridge.ethereum.sender")) {
        self.rows = rows
        self.logger = logger
    }

    public func deliverableTransfers(limit: Int) async throws -> [CompletableTransfer] {
        try await rows.koinosLocksForDelivery(limit: limit).compactMap { lock in
            guard let message = EthereumTransferMessage(packed: lock.message, profile: lock.profile, transactionIDLength: lock.id.transactionID.count),
                message.digest == lock.digest
            else {
                logger.error("Stored Koinos lock message does not match its digest; not delivered", metadata: ["koinos.lock": "\(lock.id)"])
                return nil
            }
            return CompletableTransfer(id: lock.id.description, message: message, signatures: lock.signatures, quorumAtMs: lock.quorumAtMs)
        }
    }

    public func record(for transferID: String) async throws -> DeliveryRecord? { try await rows.ethereumDelivery(transferID) }

    public func save(_ record: DeliveryRecord) async throws { try await rows.saveEthereumDelivery(record) }
}
