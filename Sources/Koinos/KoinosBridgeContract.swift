// SPDX-License-Identifier: Apache-2.0
import Primitives

/// The Koinos bridge contract's argument and result messages (bridge-contracts.md §3.3, §3.4).
///
/// v1 (roaminro/koinos-bridge-contract) and v2 (BridgeKoin/koinos-bridge-contract) number their
/// fields differently, so every message that differs takes a `Version`.
public enum KoinosBridgeContract {
    /// Which generation of the contract is deployed.
    public enum Version: String, Sendable, Hashable {
        case v1
        case v2
    }

    /// `complete_transfer_arguments`.
    /// - v1: transaction_id(1), token(2), recipient(3), value(4), signatures(6), expiration(7) — no field 5.
    /// - v2: transaction_id(1), token(2), relayer(3), recipient(4), value(5), payment(6), metadata(7),
    ///   signatures(8), expiration(9).
    public struct CompleteTransferArguments: Sendable, Hashable {
        public var transactionID: [UInt8]
        public var token: [UInt8]
        public var relayer: [UInt8]
        public var recipient: [UInt8]
        public var value: UInt64
        public var payment: UInt64
        public var metadata: String
        public var signatures: [[UInt8]]
        public var expiration: UInt64

        /// - Parameters: one per contract field; `relayer`, `payment` and `metadata` exist in v2 only.
        public init(
            transactionID: [UInt8], token: [UInt8], relayer: [UInt8] = [], recipient: [UInt8], value: UInt64,
            payment: UInt64 = 0, metadata: String = "", signatures: [[UInt8]], expiration: UInt64
        ) {
            self.transactionID = transactionID
            self.token = token
            self.relayer = relayer
            self.recipient = recipient
            self.value = value
            self.payment = payment
            self.metadata = metadata
            self.signatures = signatures
            self.expiration = expiration
        }

        public func encoded(_ version: Version) -> [UInt8] {
            var w = ProtobufWriter(defaultValues: .omitted)
            w.bytes(1, transactionID)
            w.bytes(2, token)
            switch version {
            case .v1:
                w.bytes(3, recipient)
                w.uint64(4, value)
                w.repeatedBytes(6, signatures)
                w.uint64(7, expiration)
            case .v2:
                w.bytes(3, relayer)
                w.bytes(4, recipient)
                w.uint64(5, value)
                w.uint64(6, payment)
                w.string(7, metadata)
                w.repeatedBytes(8, signatures)
                w.uint64(9, expiration)
            }
            return w.bytes
        }

        public static func decode(_ bytes: [UInt8], version: Version) throws(KoinosProtoError) -> Self {
            let f = try KoinosProtoReader.fields(bytes)
            switch version {
            case .v1:
                return Self(
                    transactionID: try f.bytes(1), token: try f.bytes(2), recipient: try f.bytes(3), value: try f.varint(4),
                    signatures: try f.repeatedBytes(6), expiration: try f.varint(7))
            case .v2:
                return Self(
                    transactionID: try f.bytes(1), token: try f.bytes(2), relayer: try f.bytes(3), recipient: try f.bytes(4),
                    value: try f.varint(5), payment: try f.varint(6), metadata: try f.string(7),
                    signatures: try f.repeatedBytes(8), expiration: try f.varint(9))
            }
        }
    }

    /// `get_validators_arguments` (also `get_supported_tokens`): start(1) bytes, limit(2) int32
    /// (0 → 100), descending(3). The contract returns `start` itself first when it is an existing key.
    public static func listArguments(start: [UInt8], limit: Int32, descending: Bool = false) -> [UInt8] {
        var w = ProtobufWriter(defaultValues: .omitted)
        w.bytes(1, start)
        w.int32(2, limit)
        w.bool(3, descending)
        return w.bytes
    }

    /// `repeated_addresses{addresses(1)}`.
    public static func decodeAddresses(_ bytes: [UInt8]) throws(KoinosProtoError) -> [[UInt8]] {
        try KoinosProtoReader.fields(bytes).repeatedBytes(1)
    }

    /// `get_transfer_status_arguments{transaction_id(1)}`.
    public static func transferStatusArguments(transactionID: [UInt8]) -> [UInt8] {
        var w = ProtobufWriter(defaultValues: .omitted)
        w.bytes(1, transactionID)
        return w.bytes
    }

    /// `boole{value(1)}`; an empty result is `false`.
    public static func decodeBool(_ bytes: [UInt8]) throws(KoinosProtoError) -> Bool {
        try KoinosProtoReader.fields(bytes).varint(1) != 0
    }

    /// `metadata_object`: v1 initialized(1), nonce(2), nb_validators(3); v2 initialized(1), nonce(2),
    /// chain_id(3), nb_validators(4).
    public struct Metadata: Sendable, Hashable {
        public var initialized: Bool
        public var nonce: UInt64
        /// v2 only: the destination chain id validators put in `complete_transfer_hash.chain`.
        public var chainID: UInt32
        public var validatorCount: UInt32

        public init(initialized: Bool, nonce: UInt64, chainID: UInt32 = 0, validatorCount: UInt32) {
            self.initialized = initialized
            self.nonce = nonce
            self.chainID = chainID
            self.validatorCount = validatorCount
        }

        public static func decode(_ bytes: [UInt8], version: Version) throws(KoinosProtoError) -> Self {
            let f = try KoinosProtoReader.fields(bytes)
            let count = version == .v1 ? try f.varint(3) : try f.varint(4)
            let chain = version == .v1 ? 0 : try f.varint(3)
            guard count <= UInt64(UInt32.max), chain <= UInt64(UInt32.max) else { throw .invalidValue("metadata out of range") }
            return Self(initialized: try f.varint(1) != 0, nonce: try f.varint(2), chainID: UInt32(chain), validatorCount: UInt32(count))
        }

        public func encoded(_ version: Version) -> [UInt8] {
            var w = ProtobufWriter(defaultValues: .omitted)
            w.bool(1, initialized)
            w.uint64(2, nonce)
            if version == .v2 { w.uint64(3, UInt64(chainID)) }
            w.uint64(version == .v1 ? 3 : 4, UInt64(validatorCount))
            return w.bytes
        }
    }
}

/// Koinos token contract messages (koinos.md §2.4).
public enum KoinosTokenContract {
    /// `balance_of_arguments{owner(1)}`.
    public static func balanceOfArguments(owner: [UInt8]) -> [UInt8] {
        var w = ProtobufWriter(defaultValues: .omitted)
        w.bytes(1, owner)
        return w.bytes
    }

    /// `balance_of_result{value(1)}`.
    public static func decodeBalance(_ bytes: [UInt8]) throws(KoinosProtoError) -> UInt64 {
        try KoinosProtoReader.fields(bytes).varint(1)
    }

    /// `str_result{value(1)}` (`symbol`, `name`).
    public static func decodeString(_ bytes: [UInt8]) throws(KoinosProtoError) -> String {
        try KoinosProtoReader.fields(bytes).string(1)
    }

    /// `uint32_result{value(1)}` (`decimals`); a value past 255 is an error.
    public static func decodeDecimals(_ bytes: [UInt8]) throws(KoinosProtoError) -> Int {
        let value = try KoinosProtoReader.fields(bytes).varint(1)
        guard value <= 255 else { throw .invalidValue("decimals \(value) is out of range") }
        return Int(value)
    }

    /// `transfer_arguments{from(1), to(2), value(3)}`.
    public static func transferArguments(from: [UInt8], to: [UInt8], value: UInt64) -> [UInt8] {
        var w = ProtobufWriter(defaultValues: .omitted)
        w.bytes(1, from)
        w.bytes(2, to)
        w.uint64(3, value)
        return w.bytes
    }
}
