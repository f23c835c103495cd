// SPDX-License-Identifier: Apache-2.0
import ChainCrypto
import Primitives

/// `koinos.protocol.transaction_header` (koinos.md §2.1, §4.1 step 3).
///
/// The transaction id is `0x12 0x20 ‖ sha256(encoded())`; the chain re-serializes the header
/// with standard proto3 and compares, so `encoded()` omits every default-valued scalar.
public struct KoinosTransactionHeader: Sendable, Hashable {
    /// 34-byte multihash, as `chain.get_chain_id` returns it.
    public var chainID: [UInt8]
    /// Mana the payer allows this transaction to use; the chain requires it to be non-zero.
    public var rcLimit: UInt64
    /// Serialized `value_type` nonce (see `KoinosNonce`).
    public var nonce: [UInt8]
    /// 34-byte multihash of the operation merkle root.
    public var operationMerkleRoot: [UInt8]
    /// 25-byte payer address.
    public var payer: [UInt8]
    /// 25-byte payee address, empty unless another account's nonce is used.
    public var payee: [UInt8]

    public init(chainID: [UInt8], rcLimit: UInt64, nonce: [UInt8], operationMerkleRoot: [UInt8], payer: [UInt8], payee: [UInt8] = []) {
        self.chainID = chainID
        self.rcLimit = rcLimit
        self.nonce = nonce
        self.operationMerkleRoot = operationMerkleRoot
        self.payer = payer
        self.payee = payee
    }

    /// Standard proto3 bytes (fields 1–6 ascending, defaults omitted).
    public func encoded() -> [UInt8] {
        var w = ProtobufWriter(defaultValues: .omitted)
        w.bytes(1, chainID)
        w.uint64(2, rcLimit)
        w.bytes(3, nonce)
        w.bytes(4, operationMerkleRoot)
        w.bytes(5, payer)
        w.bytes(6, payee)
        return w.bytes
    }

    /// `0x12 0x20 ‖ sha256(header)`: the 34-byte transaction id.
    public var transactionID: [UInt8] { KoinosMultihash.sha256(encoded()) }
}

/// sha2-256 multihashes (`0x12 0x20 ‖ digest`), the form of Koinos ids, chain ids and merkle roots.
public enum KoinosMultihash {
    public static let sha256Prefix: [UInt8] = [0x12, 0x20]

    public static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        sha256Prefix + SHA256Digest.hash(bytes)
    }

    /// The 32-byte digest inside a sha2-256 multihash, or nil when `multihash` is not one.
    public static func digest(of multihash: [UInt8]) -> [UInt8]? {
        guard multihash.count == 34, multihash[0] == 0x12, multihash[1] == 0x20 else { return nil }
        return Array(multihash[2...])
    }

    /// The operation merkle root (koinos.md §4.1 step 2): sha256 leaves, pairwise sha256 of
    /// left ‖ right, an odd last node carried up unchanged, sha256("") for no operations.
    public static func operationMerkleRoot(_ operations: [KoinosOperation]) -> [UInt8] {
        merkleRoot(leaves: operations.map { SHA256Digest.hash($0.encoded()) })
    }

    /// The multihash merkle root over already-hashed 32-byte leaves.
    public static func merkleRoot(leaves: [[UInt8]]) -> [UInt8] {
        guard !leaves.isEmpty else { return sha256([]) }
        var level = leaves
        while level.count > 1 {
            var next = [[UInt8]]()
            next.reserveCapacity((level.count + 1) / 2)
            var i = 0
            while i + 1 < level.count {
                next.append(SHA256Digest.hash(level[i] + level[i + 1]))
                i += 2
            }
            if i < level.count { next.append(level[i]) }
            level = next
        }
        return sha256Prefix + level[0]
    }
}

/// The nonce as Koinos carries it: a serialized `koinos.chain.value_type` with `uint64_value`
/// (field 5, a oneof member, so `0` still encodes to `28 00`; koinos.md §2.2).
public enum KoinosNonce {
    public static func encode(_ value: UInt64) -> [UInt8] {
        var w = ProtobufWriter(defaultValues: .omitted)
        w.oneofVarint(5, value)
        return w.bytes
    }

    /// The uint64 inside a `value_type`; an empty value (absent field) is 0.
    public static func decode(_ bytes: [UInt8]) throws(KoinosProtoError) -> UInt64 {
        let fields = try KoinosProtoReader.fields(bytes)
        guard fields.allSatisfy({ $0.number == 5 }) else {
            throw .invalidValue("nonce value_type does not hold a uint64_value")
        }
        return try fields.varint(5)
    }
}
