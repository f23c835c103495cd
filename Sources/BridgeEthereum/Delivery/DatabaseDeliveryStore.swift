// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
public import BridgeStore
import BridgeSigning
public import Logging

/// The node's `EthereumDeliveryStore`: Koinos → Ethereum locks at quorum from the Koinos lock
/// tables, delivery rows in `ethereum_delivery` (SQLite, async GRDB), so a restart neither loses a
/// transfer nor sends one again.
///
/// A stored message that does not unpack to the stored digest is skipped with an error line
/// (never sent): the digest is what the validators signed.
public struct DatabaseDeliveryStore: EthereumDeliveryStore {
    public let database: BridgeDatabase
    let logger: Logger

    public init(database: BridgeDatabase, logger: Logger = Logger(label: "bridge.ethereum.sender")) {
        self.database = database
        self.logger = logger
    }

    public func deliverableTransfers(limit: Int) async throws -> [CompletableTransfer] {
        try await database.koinosLocksForDelivery(limit: limit).compactMap { lock in
            guard let message = EthereumTransferMessage(packed: lock.message, profile: lock.profile, transactionIDLength: lock.id.transactionID.count),
                message.digest == lock.digest
            else {
                logger.error("Stored Koinos lock message does not match its digest; not delivered", metadata: ["koinos.lock": "\(lock.id)"])
                return nil
            }
            return CompletableTransfer(id: lock.id.description, message: message, signatures: lock.signatures, quorumAtMs: lock.quorumAtMs)
        }
    }

    public func record(for transferID: String) async throws -> DeliveryRecord? { try await database.ethereumDelivery(transferID) }

    public func save(_ record: DeliveryRecord) async throws { try await database.saveEthereumDelivery(record) }
}
