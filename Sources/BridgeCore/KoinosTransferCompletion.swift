// SPDX-License-Identifier: Apache-2.0

/// A `bridge.transfer_completed_event` of an irreversible Koinos block: the Koinos contract
/// completed the Ethereum → Koinos transfer of Ethereum transaction `ethereumTransactionHash`
/// (its replay key, one completion per hash), in Koinos transaction `koinosTransactionID`.
public struct KoinosTransferCompletion: Sendable, Hashable {
    public var ethereumTransactionHash: [UInt8]
    public var koinosTransactionID: [UInt8]
    public var blockHeight: UInt64

    public init(ethereumTransactionHash: [UInt8], koinosTransactionID: [UInt8], blockHeight: UInt64) {
        self.ethereumTransactionHash = ethereumTransactionHash
        self.koinosTransactionID = koinosTransactionID
        self.blockHeight = blockHeight
    }
}

/// What a completion event did to the store.
public enum KoinosCompletionOutcome: Sendable, Hashable {
    /// These observations became `completed` (whoever submitted the completing transaction).
    case completed([String])
    /// Every observation of the hash was already completed, or is rejected (left as it is).
    case alreadySettled
    /// No observation of this Ethereum transaction is stored here: ignored.
    case unknown
}

/// What one Koinos window's commit stored and completed.
public struct KoinosWindowCommit: Sendable, Hashable {
    /// Koinos locks stored by this commit (a rescan's duplicates are left out).
    public var inserted: [KoinosLockID] = []
    /// One outcome per completion event, in the window's order.
    public var completions: [KoinosCompletionOutcome] = []

    public init() {}
}
