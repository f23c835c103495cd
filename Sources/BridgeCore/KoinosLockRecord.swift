// SPDX-License-Identifier: Apache-2.0

/// One judged Koinos-side lock as the Koinos lock watcher persists it: valid (`observed`, with the
/// Ethereum-bound message and its EIP-191 digest) or `rejected` with a reason.
public struct KoinosLockRecord: Sendable, Hashable {
    public var observation: KoinosLockObservation
    public var status: AttestationStatus
    public var reason: String?
    public var message: EthereumTransferMessage?
    /// keccak256("\x19Ethereum Signed Message:\n32" ‖ keccak256(message.packed())).
    public var digest: [UInt8]?

    public init(observation: KoinosLockObservation, status: AttestationStatus, reason: String?,
                message: EthereumTransferMessage? = nil, digest: [UInt8]? = nil) {
        self.observation = observation
        self.status = status
        self.reason = reason
        self.message = message
        self.digest = digest
    }
}

/// A lock signed again after an honoured `request_new_signatures`: new expiration, message, digest.
public struct KoinosResign: Sendable, Hashable {
    public var id: KoinosLockID
    public var expiration: UInt64
    /// The packed Ethereum message with the new expiration.
    public var message: [UInt8]
    public var digest: [UInt8]

    public init(id: KoinosLockID, expiration: UInt64, message: [UInt8], digest: [UInt8]) {
        self.id = id
        self.expiration = expiration
        self.message = message
        self.digest = digest
    }
}

/// Where the Koinos scan stands: the next height to read and the id of the block below it.
public struct KoinosScanCursor: Sendable, Hashable {
    public var nextHeight: UInt64
    /// Id of block `nextHeight - 1`; the next window's first block must name it as `previous`.
    /// Empty before the first window (nothing to link to yet).
    public var previousBlockID: [UInt8]

    public init(nextHeight: UInt64, previousBlockID: [UInt8]) {
        self.nextHeight = nextHeight
        self.previousBlockID = previousBlockID
    }
}
