// SPDX-License-Identifier: Apache-2.0
public import BridgeCore

/// The Ethereum sender's `EthereumDeliveryStore` in memory: the transfers to deliver and their
/// delivery rows; a completed transfer is no longer deliverable.
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
