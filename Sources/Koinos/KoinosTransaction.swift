// SPDX-License-Identifier: Apache-2.0
public import ChainCrypto
import Primitives

/// A `koinos.protocol.transaction`: id, header, operations and signatures (koinos.md §2.1, §4).
///
/// Build one with `init(header:operations:)` after computing the merkle root, or with
/// `KoinosTransaction.make(...)`, which fills in the root; then `sign(with:)` once per signer.
public struct KoinosTransaction: Sendable, Hashable {
    /// 34-byte multihash: `0x1220 ‖ sha256(header)`.
    public private(set) var id: [UInt8]
    public private(set) var header: KoinosTransactionHeader
    public private(set) var operations: [KoinosOperation]
    /// 65-byte compact signatures (`31 + recid ‖ r ‖ s`, low-S).
    public var signatures: [[UInt8]]

    /// - Parameters:
    ///   - header: a complete header; its operation merkle root must match `operations`.
    ///   - operations: the operations, in order.
    public init(header: KoinosTransactionHeader, operations: [KoinosOperation], signatures: [[UInt8]] = []) {
        self.header = header
        self.operations = operations
        self.signatures = signatures
        self.id = header.transactionID
    }

    /// A transaction for `payer` with the merkle root computed from `operations`.
    public static func make(
        chainID: [UInt8], rcLimit: UInt64, nonce: UInt64, payer: [UInt8], payee: [UInt8] = [],
        operations: [KoinosOperation]
    ) -> KoinosTransaction {
        let header = KoinosTransactionHeader(
            chainID: chainID, rcLimit: rcLimit, nonce: KoinosNonce.encode(nonce),
            operationMerkleRoot: KoinosMultihash.operationMerkleRoot(operations), payer: payer, payee: payee)
        return KoinosTransaction(header: header, operations: operations)
    }

    /// The 32-byte digest every signer signs: the id without its multihash prefix.
    public var signingDigest: [UInt8] { Array(id.dropFirst(2)) }

    /// Appends a signature by `key` (RFC 6979, low-S, compact form).
    public mutating func sign(with key: Secp256k1.PrivateKey) throws {
        signatures.append(try KoinosSignature.sign(digest: signingDigest, key: key))
    }

    /// The addresses the signatures recover to, with the chain's strict rules; nil entries are
    /// signatures that do not recover.
    public func signers() -> [KoinosAddress?] {
        signatures.map { KoinosSignature.recoverAddress(digest: signingDigest, signature: $0) }
    }

    /// Standard proto3 bytes of the whole transaction.
    public func encoded() -> [UInt8] {
        var w = ProtobufWriter(defaultValues: .omitted)
        w.bytes(1, id)
        w.messageField(2, header.encoded())
        for op in operations { w.messageField(3, op.encoded()) }
        w.repeatedBytes(4, signatures)
        return w.bytes
    }
}
