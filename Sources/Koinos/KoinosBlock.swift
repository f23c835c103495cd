// SPDX-License-Identifier: Apache-2.0
import ChainCrypto

/// `koinos.protocol.block_header` (koinos.md §2.1). The block id is `0x12 0x20 ‖ sha256(encoded())`.
public struct KoinosBlockHeader: Sendable, Hashable {
    /// Id of the parent block (the zero multihash for block 1).
    public var previous: [UInt8]
    public var height: UInt64
    /// Milliseconds since the Unix epoch.
    public var timestampMs: UInt64
    public var previousStateMerkleRoot: [UInt8]
    public var transactionMerkleRoot: [UInt8]
    /// 25-byte address of the producer.
    public var signer: [UInt8]
    /// Transaction ids of the governance proposals the block approves.
    public var approvedProposals: [[UInt8]]

    public init(
        previous: [UInt8], height: UInt64, timestampMs: UInt64, previousStateMerkleRoot: [UInt8],
        transactionMerkleRoot: [UInt8], signer: [UInt8], approvedProposals: [[UInt8]] = []
    ) {
        self.previous = previous
        self.height = height
        self.timestampMs = timestampMs
        self.previousStateMerkleRoot = previousStateMerkleRoot
        self.transactionMerkleRoot = transactionMerkleRoot
        self.signer = signer
        self.approvedProposals = approvedProposals
    }

    /// Standard proto3 bytes (fields 1–7 ascending, defaults omitted, one tag per proposal).
    public func encoded() -> [UInt8] {
        var w = KoinosProtoWriter()
        w.bytes(1, previous)
        w.uint64(2, height)
        w.uint64(3, timestampMs)
        w.bytes(4, previousStateMerkleRoot)
        w.bytes(5, transactionMerkleRoot)
        w.bytes(6, signer)
        w.repeatedBytes(7, approvedProposals)
        return w.bytes
    }

    /// `0x12 0x20 ‖ sha256(header)`: the 34-byte block id.
    public var blockID: [UInt8] { KoinosMultihash.sha256(encoded()) }
}

/// A `koinos.protocol.block`: id, header, transactions and the producer's signature — what
/// `GetBlocks` and the `koinos.blocks` topic carry as protobuf bytes.
public struct KoinosBlock: Sendable, Hashable {
    public var id: [UInt8]
    public var header: KoinosBlockHeader
    public var transactions: [KoinosTransaction]
    public var signature: [UInt8]

    public init(id: [UInt8], header: KoinosBlockHeader, transactions: [KoinosTransaction], signature: [UInt8]) {
        self.id = id
        self.header = header
        self.transactions = transactions
        self.signature = signature
    }

    /// Standard proto3 bytes of the whole block, as the chain serializes it.
    public func encoded() -> [UInt8] {
        var w = KoinosProtoWriter()
        w.bytes(1, id)
        w.messageField(2, header.encoded())
        for transaction in transactions { w.messageField(3, transaction.encoded()) }
        w.bytes(4, signature)
        return w.bytes
    }

    /// The header's transaction merkle root for `transactions` (koinos-chain): two sha256 leaves
    /// per transaction, its header bytes and its signatures concatenated.
    public static func transactionMerkleRoot(_ transactions: [KoinosTransaction]) -> [UInt8] {
        KoinosMultihash.merkleRoot(leaves: transactions.flatMap { transaction in
            [SHA256Digest.hash(transaction.header.encoded()), SHA256Digest.hash(transaction.signatures.flatMap { $0 })]
        })
    }

    /// Checks that re-encoding reproduces what the producer hashed: the id is the header's hash,
    /// each transaction's id its header's hash, each operation merkle root its operations', and
    /// the transaction merkle root the transactions' — so a field lost or altered on the way
    /// (say, through JSON) cannot go unnoticed.
    public func verifyEncoding() throws(KoinosError) {
        guard header.blockID == id else { throw .malformedResponse("block \(ChainHex.encode(id)): id is not the hash of its header") }
        for transaction in transactions {
            guard transaction.header.operationMerkleRoot == KoinosMultihash.operationMerkleRoot(transaction.operations) else {
                throw .malformedResponse("transaction \(ChainHex.encode(transaction.id)): operation merkle root does not match")
            }
        }
        guard header.transactionMerkleRoot == Self.transactionMerkleRoot(transactions) else {
            throw .malformedResponse("block \(ChainHex.encode(id)): transaction merkle root does not match")
        }
    }
}
