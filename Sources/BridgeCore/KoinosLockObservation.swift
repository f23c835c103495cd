// SPDX-License-Identifier: Apache-2.0

/// Identity of one Koinos-side lock: (Koinos transaction id, event sequence).
///
/// The operation id the Ethereum contract binds is the event's `sequence` from the receipt, never
/// a guess. Text form: `koinos:0x<34-byte tx id>:<sequence>`.
public struct KoinosLockID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Koinos transaction id multihash (34 bytes, `0x1220…`).
    public let transactionID: [UInt8]
    public let operationID: UInt32

    public init(transactionID: [UInt8], operationID: UInt32) {
        self.transactionID = transactionID
        self.operationID = operationID
    }

    public var description: String { "koinos:\(Hex.encode(transactionID)):\(operationID)" }

    /// Parses the text form; nil when malformed.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "koinos", parts[1].hasPrefix("0x"),
              let tx = Hex.decode(String(parts[1]), count: 34), let op = UInt32(parts[2])
        else { return nil }
        self.init(transactionID: tx, operationID: op)
    }

    public static func < (a: Self, b: Self) -> Bool {
        if a.transactionID != b.transactionID { return a.transactionID.lexicographicallyPrecedes(b.transactionID) }
        return a.operationID < b.operationID
    }
}

/// A `bridge.tokens_locked_event` seen in an irreversible Koinos block, decoded but not yet judged.
///
/// Strings are kept exactly as the event carried them; amounts stay decimal text until judged.
public struct KoinosLockObservation: Sendable, Hashable {
    public var id: KoinosLockID
    public var profile: ContractProfile
    public var blockHeight: UInt64
    /// Id of the block the receipt was read from.
    public var blockID: [UInt8]
    /// Block header timestamp (ms): the expiration is counted from it.
    public var blockTimeMs: UInt64
    /// Koinos lock sender and Koinos token contract (25-byte addresses).
    public var sender: [UInt8]
    public var token: [UInt8]
    public var amount: String
    public var payment: String
    /// Ethereum recipient and (v2) relayer as written in the event (`0x…` expected).
    public var recipient: String
    public var relayer: String
    public var metadata: String
    /// v2: the event's destination chain id; 0 for v1.
    public var destinationChain: UInt32

    public init(
        id: KoinosLockID, profile: ContractProfile, blockHeight: UInt64, blockID: [UInt8], blockTimeMs: UInt64,
        sender: [UInt8], token: [UInt8], amount: String, payment: String, recipient: String, relayer: String,
        metadata: String, destinationChain: UInt32
    ) {
        self.id = id
        self.profile = profile
        self.blockHeight = blockHeight
        self.blockID = blockID
        self.blockTimeMs = blockTimeMs
        self.sender = sender
        self.token = token
        self.amount = amount
        self.payment = payment
        self.recipient = recipient
        self.relayer = relayer
        self.metadata = metadata
        self.destinationChain = destinationChain
    }
}
