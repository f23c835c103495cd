// SPDX-License-Identifier: Apache-2.0

/// Identity of one lock event: (EVM chain id, transaction hash, log index).
///
/// Two locks in one transaction are two observations (the old validator keyed by tx hash only and
/// crashed on this). Text form: `<chainID>:0x<txhash>:<logIndex>`.
public struct ObservationID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let chainID: UInt64
    /// 32-byte transaction hash.
    public let transactionHash: [UInt8]
    public let logIndex: UInt32

    public init(chainID: UInt64, transactionHash: [UInt8], logIndex: UInt32) {
        self.chainID = chainID
        self.transactionHash = transactionHash
        self.logIndex = logIndex
    }

    public var description: String { "\(chainID):\(Hex.encode(transactionHash)):\(logIndex)" }

    /// Parses the text form; nil when malformed.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, let chain = UInt64(parts[0]), let hash = Hex.decode(String(parts[1]), count: 32),
              parts[1].hasPrefix("0x"), let index = UInt32(parts[2])
        else { return nil }
        self.init(chainID: chain, transactionHash: hash, logIndex: index)
    }

    public static func < (a: Self, b: Self) -> Bool {
        if a.chainID != b.chainID { return a.chainID < b.chainID }
        if a.transactionHash != b.transactionHash { return a.transactionHash.lexicographicallyPrecedes(b.transactionHash) }
        return a.logIndex < b.logIndex
    }
}

/// A lock event seen on Ethereum at the configured finality, decoded but not yet judged.
///
/// Strings are kept exactly as the event carried them; the Koinos-side bytes (recipient address,
/// token contract) are resolved when the observation is turned into a `KoinosTransferMessage`.
public struct LockObservation: Sendable, Hashable {
    public var id: ObservationID
    public var profile: ContractProfile
    public var blockNumber: UInt64
    /// 32-byte block hash the log was seen in (re-checked against the receipt).
    public var blockHash: [UInt8]
    /// Lock sender and Ethereum token (20 bytes each).
    public var sender: [UInt8]
    public var token: [UInt8]
    /// Amount and payment normalised to 8 decimals, as the contract emits them.
    public var amount: UInt64
    public var payment: UInt64
    public var recipient: String
    public var relayer: String
    public var metadata: String
    /// Block time in milliseconds, as emitted by the contract (`block.timestamp × 1000`).
    public var blockTimeMs: UInt64
    /// v2: destination chain id from the event; 0 for v1.
    public var destinationChain: UInt32

    public init(
        id: ObservationID, profile: ContractProfile, blockNumber: UInt64, blockHash: [UInt8], sender: [UInt8],
        token: [UInt8], amount: UInt64, payment: UInt64, recipient: String, relayer: String, metadata: String,
        blockTimeMs: UInt64, destinationChain: UInt32
    ) {
        self.id = id
        self.profile = profile
        self.blockNumber = blockNumber
        self.blockHash = blockHash
        self.sender = sender
        self.token = token
        self.amount = amount
        self.payment = payment
        self.recipient = recipient
        self.relayer = relayer
        self.metadata = metadata
        self.blockTimeMs = blockTimeMs
        self.destinationChain = destinationChain
    }
}
