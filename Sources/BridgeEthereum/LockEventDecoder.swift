// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
public import Ethereum

/// A bridge `TokensLockedEvent` with its ABI values, before any bridge rule is applied.
public struct DecodedLock: Sendable, Hashable {
    public var log: EthereumLog
    /// 20 bytes each.
    public var sender: [UInt8]
    public var token: [UInt8]
    public var amount: ABIWord
    /// v2 only (zero for v1).
    public var payment: ABIWord
    public var relayer: String
    public var recipient: String
    public var metadata: String
    /// Milliseconds (`block.timestamp × 1000`), as the contract emits it.
    public var blockTime: ABIWord
    /// v2: the destination chain the lock asks for; 0 for v1.
    public var chain: UInt32

    public init(
        log: EthereumLog, sender: [UInt8], token: [UInt8], amount: ABIWord, payment: ABIWord, relayer: String, recipient: String,
        metadata: String, blockTime: ABIWord, chain: UInt32
    ) {
        self.log = log
        self.sender = sender
        self.token = token
        self.amount = amount
        self.payment = payment
        self.relayer = relayer
        self.recipient = recipient
        self.metadata = metadata
        self.blockTime = blockTime
        self.chain = chain
    }
}

/// Decodes the lock event of one contract profile (bridge-contracts.md §3.1, §3.2).
public struct LockEventDecoder: Sendable {
    /// v1: `TokensLockedEvent(address,address,uint256,string,uint256)`, topic0 `0x943004f2…ab6b`.
    public static let v1Event = ABIEvent(name: "TokensLockedEvent", parameters: [
        .init("from", .address), .init("token", .address), .init("amount", .uint(256)),
        .init("recipient", .string), .init("blocktime", .uint(256)),
    ])
    /// v2: `TokensLockedEvent(address,address,uint256,uint256,string,string,string,uint256,uint32)`,
    /// topic0 `0x1581ca8f…d126`.
    public static let v2Event = ABIEvent(name: "TokensLockedEvent", parameters: [
        .init("from", .address), .init("token", .address), .init("amount", .uint(256)), .init("payment", .uint(256)),
        .init("relayer", .string), .init("recipient", .string), .init("metadata", .string),
        .init("blocktime", .uint(256)), .init("chain", .uint(32)),
    ])

    public let profile: ContractProfile

    public init(profile: ContractProfile) { self.profile = profile }

    public var event: ABIEvent { profile == .v1 ? Self.v1Event : Self.v2Event }

    /// The lowest log index of this profile's lock event emitted by `contract` in `receipt` (the
    /// one lock of the transaction that can complete on Koinos; see `ObservationJudge.judge`).
    public func firstLockIndex(in receipt: EthereumReceipt, contract: [UInt8]) -> UInt64? {
        let topic = event.topic0
        return receipt.logs.filter { !$0.removed && $0.address == contract && $0.topics.first == topic }.map(\.logIndex).min()
    }

    /// Decodes `log`; throws `EthereumDecodingError.malformedABI` for anything that is not a
    /// well-formed lock event of this profile.
    public func decode(_ log: EthereumLog) throws -> DecodedLock {
        let v = try event.decode(topics: log.topics, data: log.data)
        switch profile {
        case .v1:
            guard case .address(let from) = v[0], case .address(let token) = v[1], case .uint(let amount) = v[2],
                  case .string(let recipient) = v[3], case .uint(let time) = v[4]
            else { throw EthereumDecodingError.malformedABI("unexpected v1 value types") }
            return DecodedLock(log: log, sender: from, token: token, amount: amount, payment: ABIWord(0), relayer: "",
                               recipient: recipient, metadata: "", blockTime: time, chain: 0)
        case .v2:
            guard case .address(let from) = v[0], case .address(let token) = v[1], case .uint(let amount) = v[2],
                  case .uint(let payment) = v[3], case .string(let relayer) = v[4], case .string(let recipient) = v[5],
                  case .string(let metadata) = v[6], case .uint(let time) = v[7], case .uint(let chainWord) = v[8],
                  let chain = chainWord.uint64.flatMap(UInt32.init(exactly:))
            else { throw EthereumDecodingError.malformedABI("unexpected v2 value types") }
            return DecodedLock(log: log, sender: from, token: token, amount: amount, payment: payment, relayer: relayer,
                               recipient: recipient, metadata: metadata, blockTime: time, chain: chain)
        }
    }
}
