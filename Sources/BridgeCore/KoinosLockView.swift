// SPDX-License-Identifier: Apache-2.0

/// One stored Koinos lock with its current digest's signatures, as the API shows it.
public struct KoinosLockView: Sendable, Hashable {
    public var id: KoinosLockID
    public var profile: String
    public var status: String
    public var reason: String?
    public var blockHeight: UInt64
    public var blockTimeMs: UInt64
    public var sender: [UInt8]
    public var token: [UInt8]
    public var ethToken: [UInt8]?
    public var amount: String
    public var payment: String
    public var recipient: String
    public var relayer: String
    public var metadata: String
    public var destinationChain: UInt32
    public var expiration: UInt64?
    public var digest: [UInt8]?
    /// The packed Ethereum message the digest was computed from.
    public var message: [UInt8]?
    /// Signatures of the current digest, by validator address.
    public var signatures: [KoinosLockSignature]
    /// This node's latest `completeTransfer` transaction for the lock (32-byte hash), if it sent one.
    public var ethereumTransaction: [UInt8]?
    /// The transaction that completed the lock on Ethereum, once final.
    public var ethereumCompletion: [UInt8]?
    /// When this node stored the lock, and when its row last changed (Unix ms).
    public var createdAtMs: UInt64 = 0
    public var updatedAtMs: UInt64 = 0

    /// - Parameters: one per stored column (see `BridgeSchema.createKoinosLocks`).
    public init(
        id: KoinosLockID, profile: String, status: String, reason: String?, blockHeight: UInt64, blockTimeMs: UInt64, sender: [UInt8],
        token: [UInt8], ethToken: [UInt8]?, amount: String, payment: String, recipient: String, relayer: String, metadata: String,
        destinationChain: UInt32, expiration: UInt64?, digest: [UInt8]?, message: [UInt8]?, signatures: [KoinosLockSignature]
    ) {
        self.id = id
        self.profile = profile
        self.status = status
        self.reason = reason
        self.blockHeight = blockHeight
        self.blockTimeMs = blockTimeMs
        self.sender = sender
        self.token = token
        self.ethToken = ethToken
        self.amount = amount
        self.payment = payment
        self.recipient = recipient
        self.relayer = relayer
        self.metadata = metadata
        self.destinationChain = destinationChain
        self.expiration = expiration
        self.digest = digest
        self.message = message
        self.signatures = signatures
    }
}

/// A valid Koinos lock waiting for this node's Ethereum-form signature.
public struct KoinosLockToSign: Sendable, Hashable {
    public var id: KoinosLockID
    public var digest: [UInt8]
    /// The packed Ethereum message the digest must be rebuilt from before signing.
    public var message: [UInt8]

    public init(id: KoinosLockID, digest: [UInt8], message: [UInt8]) {
        self.id = id
        self.digest = digest
        self.message = message
    }
}

/// One Ethereum-form signature of a Koinos → Ethereum digest, attributed to the validator it recovers to.
public struct KoinosLockSignature: Sendable, Hashable {
    public var id: KoinosLockID
    public var digest: [UInt8]
    public var validator: [UInt8]
    public var signature: [UInt8]

    public init(id: KoinosLockID, digest: [UInt8], validator: [UInt8], signature: [UInt8]) {
        self.id = id
        self.digest = digest
        self.validator = validator
        self.signature = signature
    }
}
