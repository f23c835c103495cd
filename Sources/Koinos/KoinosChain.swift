// SPDX-License-Identifier: Apache-2.0

/// What a Koinos node answers that the relay's submitter and the Koinos lock watcher need: the port
/// they call instead of a JSON-RPC client, so they run against a scripted chain in tests (no process).
///
/// `KoinosRPCClient` is the production one. Failures are `KoinosError`s with the chain's codes
/// (nonce, mana, pending limit, revert), which the submitter classifies.
public protocol KoinosChain: Sendable {
    /// The chain id (34-byte multihash).
    func chainID() async throws(KoinosError) -> [UInt8]
    /// The head block and the last irreversible height.
    func headInfo() async throws(KoinosError) -> KoinosHeadInfo
    /// Blocks `[startHeight, startHeight + count)` on the branch of `headBlockID`, each with its
    /// transaction receipts and their events (`block_store.get_blocks_by_height`); fewer when the
    /// branch is shorter.
    func blocksByHeight(headBlockID: [UInt8], startHeight: UInt64, count: UInt32) async throws(KoinosError) -> [KoinosBlockItem]
    /// The nonce the next transaction of `account` must carry: (pending nonce, else state nonce) + 1.
    func nextNonce(_ account: [UInt8]) async throws(KoinosError) -> UInt64
    /// The account's available mana.
    func accountRC(_ account: [UInt8]) async throws(KoinosError) -> UInt64
    /// Submits a signed transaction to the mempool (and broadcasts it).
    func submit(_ transaction: KoinosTransaction) async throws(KoinosError)
    /// Included transactions among `ids`; unknown or only pending ids are left out.
    func transactionsByID(_ ids: [[UInt8]]) async throws(KoinosError) -> [KoinosTransactionItem]
    /// The bridge's `get_transfer_status`: whether it completed the source transfer `transactionID`.
    func transferCompleted(bridge: [UInt8], transactionID: [UInt8]) async throws(KoinosError) -> Bool
    /// The bridge's `get_metadata`.
    func bridgeMetadata(bridge: [UInt8], version: KoinosBridgeContract.Version) async throws(KoinosError) -> KoinosBridgeContract.Metadata
    /// Every validator address of the bridge, ascending; `seeds` are known addresses to start the walk from.
    func bridgeValidatorList(bridge: [UInt8], seeds: [[UInt8]]) async throws(KoinosError) -> [[UInt8]]
}

extension KoinosRPCClient: KoinosChain {
    public func blocksByHeight(headBlockID: [UInt8], startHeight: UInt64, count: UInt32) async throws(KoinosError) -> [KoinosBlockItem] {
        try await blocksByHeight(headBlockID: headBlockID, startHeight: startHeight, count: count, returnBlock: true, returnReceipt: true)
    }

    public func submit(_ transaction: KoinosTransaction) async throws(KoinosError) {
        _ = try await submitTransaction(transaction)
    }

    public func bridgeValidatorList(bridge: [UInt8], seeds: [[UInt8]]) async throws(KoinosError) -> [[UInt8]] {
        try await bridgeValidators(bridge: bridge, seeds: seeds)
    }
}

extension KoinosHeadInfo {
    /// A head built from its fields (a scripted chain's answer).
    public init(headID: [UInt8], height: UInt64, previous: [UInt8], lastIrreversibleBlock: UInt64, headBlockTimeMs: UInt64) {
        self.headID = headID
        self.height = height
        self.previous = previous
        self.lastIrreversibleBlock = lastIrreversibleBlock
        self.headBlockTimeMs = headBlockTimeMs
    }
}

extension KoinosTransactionItem {
    /// An item built from its fields (a scripted chain's answer).
    public init(transactionID: [UInt8], containingBlocks: [[UInt8]]) {
        self.transactionID = transactionID
        self.containingBlocks = containingBlocks
    }
}

extension KoinosBlockItem {
    /// A block built from its fields (a scripted chain's answer).
    public init(
        blockID: [UInt8], height: UInt64, previous: [UInt8], timestampMs: UInt64, transactionIDs: [[UInt8]],
        transactionReceipts: [KoinosTransactionReceipt]
    ) {
        self.blockID = blockID
        self.height = height
        self.previous = previous
        self.timestampMs = timestampMs
        self.transactionIDs = transactionIDs
        self.transactionReceipts = transactionReceipts
    }
}

extension KoinosTransactionReceipt {
    /// A receipt built from its fields (a scripted chain's answer).
    public init(id: [UInt8], payer: [UInt8], reverted: Bool = false, events: [KoinosEvent]) {
        self.id = id
        self.payer = payer
        rcLimit = 0
        rcUsed = 0
        self.reverted = reverted
        self.events = events
        logs = []
    }
}

extension KoinosEvent {
    /// An event built from its fields (a scripted chain's answer).
    public init(sequence: UInt32, source: [UInt8], name: String, data: [UInt8], impacted: [[UInt8]] = []) {
        self.sequence = sequence
        self.source = source
        self.name = name
        self.data = data
        self.impacted = impacted
    }
}
