// SPDX-License-Identifier: Apache-2.0

/// The bridge contract's events a validator watches on Koinos (bridge-contracts.md §1.3, §3.3, §3.4).
public enum KoinosBridgeEvent {
    public static let tokensLocked = "bridge.tokens_locked_event"
    public static let transferCompleted = "bridge.transfer_completed_event"
    public static let requestNewSignatures = "bridge.request_new_signatures_event"

    /// `tokens_locked_event`: a Koinos-side lock.
    /// - v1: from(1) bytes, token(2) bytes, amount(3) string, recipient(4) string.
    /// - v2: from(1), token(2), amount(3) string, payment(4) string, relayer(5) string, recipient(6)
    ///   string, metadata(7) string, chain_id(8) uint32.
    ///
    /// Amounts stay the decimal text the contract emitted: judging whether they fit is the caller's job.
    public struct TokensLocked: Sendable, Hashable {
        public var from: [UInt8]
        public var token: [UInt8]
        public var amount: String
        public var payment: String
        public var relayer: String
        public var recipient: String
        public var metadata: String
        public var chainID: UInt32

        public init(
            from: [UInt8], token: [UInt8], amount: String, payment: String = "", relayer: String = "", recipient: String,
            metadata: String = "", chainID: UInt32 = 0
        ) {
            self.from = from
            self.token = token
            self.amount = amount
            self.payment = payment
            self.relayer = relayer
            self.recipient = recipient
            self.metadata = metadata
            self.chainID = chainID
        }

        public static func decode(_ bytes: [UInt8], version: KoinosBridgeContract.Version) throws(KoinosProtoError) -> Self {
            let f = try KoinosProtoReader.fields(bytes)
            switch version {
            case .v1:
                return Self(from: try f.bytes(1), token: try f.bytes(2), amount: try f.string(3), recipient: try f.string(4))
            case .v2:
                let chain = try f.varint(8)
                guard chain <= UInt64(UInt32.max) else { throw .invalidValue("chain_id \(chain) exceeds uint32") }
                return Self(
                    from: try f.bytes(1), token: try f.bytes(2), amount: try f.string(3), payment: try f.string(4),
                    relayer: try f.string(5), recipient: try f.string(6), metadata: try f.string(7), chainID: UInt32(chain))
            }
        }

        /// The contract's serialisation (used by tests and vectors).
        public func encoded(_ version: KoinosBridgeContract.Version) -> [UInt8] {
            var w = KoinosProtoWriter()
            w.bytes(1, from)
            w.bytes(2, token)
            w.string(3, amount)
            switch version {
            case .v1:
                w.string(4, recipient)
            case .v2:
                w.string(4, payment)
                w.string(5, relayer)
                w.string(6, recipient)
                w.string(7, metadata)
                w.uint64(8, UInt64(chainID))
            }
            return w.bytes
        }
    }

    /// `transfer_completed_event`: tx_id(1), the source (Ethereum) transaction hash.
    public struct TransferCompleted: Sendable, Hashable {
        public var transactionID: [UInt8]

        public init(transactionID: [UInt8]) { self.transactionID = transactionID }

        public static func decode(_ bytes: [UInt8]) throws(KoinosProtoError) -> Self {
            Self(transactionID: try KoinosProtoReader.fields(bytes).bytes(1))
        }
    }

    /// `request_new_signatures_event`: the request's arguments, transaction_id(1) and operation_id(2),
    /// both strings as the contract takes them.
    public struct RequestNewSignatures: Sendable, Hashable {
        public var transactionID: String
        public var operationID: String

        public init(transactionID: String, operationID: String) {
            self.transactionID = transactionID
            self.operationID = operationID
        }

        public static func decode(_ bytes: [UInt8]) throws(KoinosProtoError) -> Self {
            let f = try KoinosProtoReader.fields(bytes)
            return Self(transactionID: try f.string(1), operationID: try f.string(2))
        }
    }
}
