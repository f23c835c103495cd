// SPDX-License-Identifier: Apache-2.0

/// A Koinos → Ethereum lock completed on Ethereum (`TransferCompletedEvent`), by anyone.
public struct EthereumCompletion: Sendable, Hashable {
    public var lock: KoinosLockID
    /// The Ethereum transaction that emitted the event (32 bytes).
    public var transactionHash: [UInt8]

    public init(lock: KoinosLockID, transactionHash: [UInt8]) {
        self.lock = lock
        self.transactionHash = transactionHash
    }
}

/// An Ethereum → Koinos transfer signed again after an honoured `RequestNewSignatures` (§2.7).
public struct ObservationResign: Sendable, Hashable {
    public var id: ObservationID
    /// The digest being replaced: the row changes only if it still has this one.
    public var oldDigest: [UInt8]
    public var expiration: UInt64
    /// The encoded `KoinosTransferMessage` with the new expiration, and its sha256.
    public var message: [UInt8]
    public var digest: [UInt8]

    public init(id: ObservationID, oldDigest: [UInt8], expiration: UInt64, message: [UInt8], digest: [UInt8]) {
        self.id = id
        self.oldDigest = oldDigest
        self.expiration = expiration
        self.message = message
        self.digest = digest
    }
}

/// A stored Ethereum → Koinos transfer as the re-sign judge needs it.
public struct StoredTransferForResign: Sendable, Hashable {
    public var id: ObservationID
    public var profile: ContractProfile
    public var status: AttestationStatus
    public var expiration: UInt64?
    public var message: [UInt8]?
    public var digest: [UInt8]?

    public init(id: ObservationID, profile: ContractProfile, status: AttestationStatus, expiration: UInt64?, message: [UInt8]?, digest: [UInt8]?) {
        self.id = id
        self.profile = profile
        self.status = status
        self.expiration = expiration
        self.message = message
        self.digest = digest
    }
}

extension AttestationStatus {
    /// The statuses an Ethereum → Koinos transfer can be re-signed from: nothing in flight, not
    /// completed, not held by the governor.
    public static let resignable: [AttestationStatus] = [.observed, .signing, .quorum, .expired]
}
