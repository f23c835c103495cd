// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import BridgeSigning
import ChainCrypto
public import Koinos

/// Why a Koinos-side lock cannot become a valid Ethereum transfer. The raw value starts the stored reason.
public enum KoinosLockRejection: String, Sendable, Hashable, CaseIterable {
    case malformedEvent = "malformed_event"
    case unknownToken = "unknown_token"
    case invalidRecipient = "invalid_recipient"
    case invalidRelayer = "invalid_relayer"
    case amountOverflow = "amount_overflow"
    case paymentOverflow = "payment_overflow"
    case expirationOverflow = "expiration_overflow"
    /// v2: the lock names another destination chain than the Ethereum contract's chain id.
    case wrongDestinationChain = "wrong_destination_chain"
}

/// Turns one `bridge.tokens_locked_event` of an irreversible block into a valid
/// `EthereumTransferMessage` with its EIP-191 digest, or a rejection with its reason. Pure: never
/// throws, never traps, every event gets a verdict (bridge-contracts.md §1.3, §2.3).
///
/// Rules: the Koinos token must map to a configured Ethereum token; recipient (and a non-empty v2
/// relayer) must be `0x` + 40 hex digits (the old validator's lenient parse never failed and signed
/// garbage as the zero address); amount and payment are decimal uint64; expiration = block time
/// + signature lifetime; operation id = the event's sequence; v2 chain id = the Ethereum
/// contract's own uint32 chain id, and a lock for another chain is refused.
public struct KoinosLockJudge: Sendable {
    public struct Configuration: Sendable {
        public var profile: ContractProfile
        /// Koinos token contract (25 bytes) → Ethereum token (20 bytes).
        public var tokens: [[UInt8]: [UInt8]]
        /// The Ethereum bridge contract (20 bytes): the packed message binds it.
        public var ethereumBridge: [UInt8]
        /// v2: the Ethereum contract's bridge-specific chain id (its constructor's `chainId`).
        public var ethereumChainID: UInt32
        public var signatureLifetimeMs: UInt64

        public init(profile: ContractProfile, tokens: [[UInt8]: [UInt8]], ethereumBridge: [UInt8], ethereumChainID: UInt32 = 0,
                    signatureLifetimeMs: UInt64 = 3_600_000) {
            self.profile = profile
            self.tokens = tokens
            self.ethereumBridge = ethereumBridge
            self.ethereumChainID = ethereumChainID
            self.signatureLifetimeMs = signatureLifetimeMs
        }
    }

    public let configuration: Configuration

    public init(configuration: Configuration) { self.configuration = configuration }

    private var version: KoinosBridgeContract.Version { configuration.profile == .v1 ? .v1 : .v2 }

    /// The verdict on `event` (already known to come from the bridge contract and to be named
    /// `bridge.tokens_locked_event`) of receipt `transactionID` in `block`.
    public func judge(_ event: KoinosEvent, transactionID: [UInt8], block: KoinosBlockItem) -> KoinosLockRecord {
        let id = KoinosLockID(transactionID: transactionID, operationID: event.sequence)
        let lock: KoinosBridgeEvent.TokensLocked
        do { lock = try .decode(event.data, version: version) } catch {
            let empty = observation(id, block, KoinosBridgeEvent.TokensLocked(from: [], token: [], amount: "", recipient: ""))
            return KoinosLockRecord(observation: empty, status: .rejected, reason: "\(KoinosLockRejection.malformedEvent.rawValue): \(error)")
        }
        let seen = observation(id, block, lock)
        func reject(_ reason: KoinosLockRejection, _ detail: String) -> KoinosLockRecord {
            KoinosLockRecord(observation: seen, status: .rejected, reason: "\(reason.rawValue): \(detail)")
        }
        let c = configuration
        guard let ethToken = c.tokens[lock.token] else {
            return reject(.unknownToken, "Koinos token \(Base58.encode(lock.token)) is not in the token list")
        }
        guard let recipient = Self.ethereumAddress(lock.recipient) else {
            return reject(.invalidRecipient, "recipient \(Self.quote(lock.recipient)) is not a 0x Ethereum address")
        }
        var relayer = [UInt8](repeating: 0, count: 20)
        if c.profile == .v2, !lock.relayer.isEmpty {
            guard let address = Self.ethereumAddress(lock.relayer) else {
                return reject(.invalidRelayer, "relayer \(Self.quote(lock.relayer)) is not a 0x Ethereum address")
            }
            relayer = address
        }
        guard let amount = Self.decimal(lock.amount) else { return reject(.amountOverflow, "amount \(Self.quote(lock.amount)) is not a uint64") }
        let paymentText = c.profile == .v2 ? lock.payment : ""
        guard let payment = paymentText.isEmpty ? 0 : Self.decimal(paymentText) else {
            return reject(.paymentOverflow, "payment \(Self.quote(lock.payment)) is not a uint64")
        }
        guard case (let expiration, false) = block.timestampMs.addingReportingOverflow(c.signatureLifetimeMs) else {
            return reject(.expirationOverflow, "block time \(block.timestampMs) plus the signature lifetime exceeds uint64")
        }
        if c.profile == .v2, lock.chainID != c.ethereumChainID {
            return reject(.wrongDestinationChain, "lock is for chain \(lock.chainID), the Ethereum contract is chain \(c.ethereumChainID)")
        }
        let message = EthereumTransferMessage(
            profile: c.profile, koinosTransactionID: transactionID, operationID: UInt64(event.sequence), token: ethToken,
            relayer: relayer, recipient: recipient, value: amount, payment: payment, metadata: c.profile == .v2 ? lock.metadata : "",
            bridge: c.ethereumBridge, expiration: expiration, chainID: c.ethereumChainID)
        return KoinosLockRecord(observation: seen, status: .observed, reason: nil, message: message, digest: message.digest)
    }

    private func observation(_ id: KoinosLockID, _ block: KoinosBlockItem, _ lock: KoinosBridgeEvent.TokensLocked) -> KoinosLockObservation {
        KoinosLockObservation(
            id: id, profile: configuration.profile, blockHeight: block.height, blockID: block.blockID, blockTimeMs: block.timestampMs,
            sender: lock.from, token: lock.token, amount: lock.amount, payment: lock.payment, recipient: lock.recipient,
            relayer: lock.relayer, metadata: lock.metadata, destinationChain: lock.chainID)
    }

    /// `0x` + exactly 40 hex digits (either case), else nil.
    static func ethereumAddress(_ text: String) -> [UInt8]? {
        guard text.hasPrefix("0x") || text.hasPrefix("0X") else { return nil }
        return Hex.decode(text, count: 20)
    }

    /// A canonical unsigned decimal that fits uint64 (digits only, no sign, no spaces), else nil.
    static func decimal(_ text: String) -> UInt64? {
        guard !text.isEmpty, text.utf8.count <= 20, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return UInt64(text)
    }

    /// A bounded, printable rendering of attacker-controlled text for reasons and logs.
    static func quote(_ text: String) -> String {
        let clipped = text.unicodeScalars.prefix(64).map { $0.isASCII && $0.value >= 32 ? String($0) : "\\u{\(String($0.value, radix: 16))}" }.joined()
        return "\"" + clipped + (text.unicodeScalars.count > 64 ? "…" : "") + "\""
    }
}
