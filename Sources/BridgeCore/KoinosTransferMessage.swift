// SPDX-License-Identifier: Apache-2.0
import Primitives

/// The Ethereum → Koinos `complete_transfer_hash` message the Koinos contract rebuilds and checks.
///
/// Validators sign `sha256(encoded())` with their Koinos key. Layouts (bridge-contracts.md §2.2):
/// - v1: action(1)=8, transaction_id(2), token(3), recipient(4), amount(5), contract_id(6), expiration(7)
/// - v2: action(1)=8, transaction_id(2), token(3), recipient(4), relayer(5), amount(6), payment(7),
///   metadata(8), contract_id(9), expiration(10), chain(11)
/// Default-valued fields are omitted, exactly as the contracts encode them.
public struct KoinosTransferMessage: Sendable, Hashable {
    public var profile: ContractProfile
    /// The source Ethereum transaction hash (32 bytes).
    public var transactionID: [UInt8]
    /// Koinos token contract id (25 bytes).
    public var token: [UInt8]
    /// Koinos recipient address (25 bytes).
    public var recipient: [UInt8]
    /// v2 only: Koinos relayer address (25 bytes) or empty.
    public var relayer: [UInt8]
    /// Normalised amount (8 decimals).
    public var amount: UInt64
    /// v2 only: relayer payment, normalised.
    public var payment: UInt64
    /// v2 only: metadata string passed through from the lock.
    public var metadata: String
    /// The Koinos bridge contract id (25 bytes).
    public var contractID: [UInt8]
    /// Expiration in milliseconds: source block time + signature lifetime.
    public var expiration: UInt64
    /// v2 only: the destination chain id (the Koinos contract's `metadata.chain_id`).
    public var chain: UInt32

    /// - Parameters: one per field of the contract message; v2-only fields are ignored for v1.
    public init(
        profile: ContractProfile, transactionID: [UInt8], token: [UInt8], recipient: [UInt8],
        relayer: [UInt8] = [], amount: UInt64, payment: UInt64 = 0, metadata: String = "",
        contractID: [UInt8], expiration: UInt64, chain: UInt32 = 0
    ) {
        self.profile = profile
        self.transactionID = transactionID
        self.token = token
        self.recipient = recipient
        self.relayer = relayer
        self.amount = amount
        self.payment = payment
        self.metadata = metadata
        self.contractID = contractID
        self.expiration = expiration
        self.chain = chain
    }

    /// The proto3 bytes whose sha256 the validators sign.
    public func encoded() -> [UInt8] {
        var w = ProtobufWriter(defaultValues: .omitted)
        w.uint64(1, BridgeAction.completeTransfer.rawValue)
        w.bytes(2, transactionID)
        w.bytes(3, token)
        w.bytes(4, recipient)
        switch profile {
        case .v1:
            w.uint64(5, amount)
            w.bytes(6, contractID)
            w.uint64(7, expiration)
        case .v2:
            w.bytes(5, relayer)
            w.uint64(6, amount)
            w.uint64(7, payment)
            w.string(8, metadata)
            w.bytes(9, contractID)
            w.uint64(10, expiration)
            w.uint64(11, UInt64(chain))
        }
        return w.bytes
    }
}
