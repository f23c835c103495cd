// SPDX-License-Identifier: Apache-2.0

/// Where the Ethereum sender's work and progress are kept: Koinos locks at quorum with their
/// signatures, and one `DeliveryRecord` per transfer (`SQLiteEthereumDeliveryRepository` in production).
public protocol EthereumDeliveryRepository: Sendable {
    /// Koinos locks at quorum (or with a transaction in flight) whose delivery is not completed,
    /// at most `limit`, those due first.
    func koinosLocksForDelivery(limit: Int) async throws -> [KoinosLockForDelivery]
    /// The sender's row for `transferID`, or nil before its first step (or when the row was written
    /// for an older digest of the lock and nothing is in flight).
    func ethereumDelivery(_ transferID: String) async throws -> DeliveryRecord?
    /// Writes the sender's row and, in the same transaction, the lock's status.
    func saveEthereumDelivery(_ record: DeliveryRecord) async throws
}

/// A Koinos lock at quorum as the Ethereum sender reads it: the packed Ethereum message, its
/// current digest and every stored signature of that digest (the sender picks the contract-minimal set).
public struct KoinosLockForDelivery: Sendable, Hashable {
    public var id: KoinosLockID
    public var profile: ContractProfile
    /// `EthereumTransferMessage.packed()` of the current expiration.
    public var message: [UInt8]
    public var digest: [UInt8]
    /// Signatures of `digest`, by validator address.
    public var signatures: [ValidatorSignature]
    /// When the lock reached quorum (ms), 0 if unknown.
    public var quorumAtMs: UInt64

    public init(id: KoinosLockID, profile: ContractProfile, message: [UInt8], digest: [UInt8], signatures: [ValidatorSignature], quorumAtMs: UInt64) {
        self.id = id
        self.profile = profile
        self.message = message
        self.digest = digest
        self.signatures = signatures
        self.quorumAtMs = quorumAtMs
    }
}
