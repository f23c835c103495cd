// SPDX-License-Identifier: Apache-2.0

/// One judged lock as the Ethereum watcher persists it: valid (`observed`) or `rejected` with a reason.
public struct ObservationRecord: Sendable, Hashable {
    public var observation: LockObservation
    /// `.observed` for a valid lock, `.rejected` otherwise.
    public var status: AttestationStatus
    public var reason: String?
    /// Exact decimal amount and payment as emitted (may exceed uint64 on a rejected lock).
    public var amountText: String
    public var paymentText: String
    /// The Koinos-bound message and its sha256 digest, when the node can build it (token mapped,
    /// Koinos contract configured).
    public var message: KoinosTransferMessage?
    public var digest: [UInt8]?

    public init(
        observation: LockObservation, status: AttestationStatus, reason: String?, amountText: String? = nil,
        paymentText: String? = nil, message: KoinosTransferMessage? = nil, digest: [UInt8]? = nil
    ) {
        self.observation = observation
        self.status = status
        self.reason = reason
        self.amountText = amountText ?? String(observation.amount)
        self.paymentText = paymentText ?? String(observation.payment)
        self.message = message
        self.digest = digest
    }
}

/// What one `commitScan` changed.
public struct ScanCommit: Sendable, Hashable {
    /// Observations stored by this commit.
    public var inserted: [ObservationID]
    /// Observations that were already stored (a rescan); not stored again.
    public var duplicates: [ObservationID]
    /// Koinos → Ethereum locks this commit marked completed from Ethereum's `TransferCompletedEvent`.
    public var completed: [KoinosLockID] = []
    /// Ethereum → Koinos transfers this commit re-opened with a new expiration and digest.
    public var resigned: [ObservationID] = []

    public init(inserted: [ObservationID], duplicates: [ObservationID], completed: [KoinosLockID] = [], resigned: [ObservationID] = []) {
        self.inserted = inserted
        self.duplicates = duplicates
        self.completed = completed
        self.resigned = resigned
    }
}

/// Where a stored observation's lock was seen.
public struct ObservationBlock: Sendable, Hashable {
    public var id: ObservationID
    public var blockNumber: UInt64
    public var blockHash: [UInt8]

    public init(id: ObservationID, blockNumber: UInt64, blockHash: [UInt8]) {
        self.id = id
        self.blockNumber = blockNumber
        self.blockHash = blockHash
    }
}
