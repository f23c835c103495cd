// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import BridgeSigning
import ChainCrypto
public import Ethereum

/// Why a lock cannot become a valid transfer. The raw value is the bounded metric label.
public enum RejectionReason: String, Sendable, Hashable, CaseIterable {
    case malformedEvent = "malformed_event"
    case invalidRecipient = "invalid_recipient"
    case invalidRelayer = "invalid_relayer"
    case unknownToken = "unknown_token"
    case amountNotRepresentable = "amount_not_representable"
    case paymentNotRepresentable = "payment_not_representable"
    case blockTimeNotRepresentable = "blocktime_not_representable"
    /// Not the first lock of its transaction: the Koinos contract completes one transfer per
    /// Ethereum transaction hash (its digest binds the hash, not the log index), so only the
    /// lowest log index can ever complete; the others are refused here instead of signed.
    case duplicateTransactionLock = "duplicate_transaction_lock"
}

/// Turns a decoded lock into a valid `KoinosTransferMessage` or a rejection with its reason.
///
/// Rules: recipient (and, in v2, a non-empty relayer) must be a valid Koinos base58check address;
/// the token must map to a configured Koinos token unless no token list is configured; amount and
/// payment must fit uint64; expiration = event block time (ms) + signature lifetime; v2 chain =
/// the event's chain. Never throws, never traps: every input gets a verdict.
public struct ObservationJudge: Sendable {
    /// What the judge needs to know about the deployment.
    public struct Configuration: Sendable {
        public var profile: ContractProfile
        /// EVM chain id (the first part of every observation id).
        public var chainID: UInt64
        /// Ethereum token (20 bytes) → Koinos token contract id (25 bytes); nil = no list (scan
        /// without config: everything but token support is checked, no message is built).
        public var tokens: [[UInt8]: [UInt8]]?
        /// The Koinos bridge contract id (25 bytes); nil = no message is built.
        public var koinosContract: [UInt8]?
        /// Added to the event's block time to get the signature expiration.
        public var signatureLifetimeMs: UInt64

        public init(profile: ContractProfile, chainID: UInt64, tokens: [[UInt8]: [UInt8]]? = nil, koinosContract: [UInt8]? = nil,
                    signatureLifetimeMs: UInt64 = 7 * 24 * 3_600_000) {
            self.profile = profile
            self.chainID = chainID
            self.tokens = tokens
            self.koinosContract = koinosContract
            self.signatureLifetimeMs = signatureLifetimeMs
        }
    }

    public let configuration: Configuration

    public init(configuration: Configuration) { self.configuration = configuration }

    /// The observation id of `log` on this chain.
    public func id(of log: EthereumLog) -> ObservationID {
        ObservationID(chainID: configuration.chainID, transactionHash: log.transactionHash, logIndex: UInt32(truncatingIfNeeded: log.logIndex))
    }

    /// A lock whose event data could not be decoded: stored as rejected so the cursor can move on.
    public func rejectMalformed(_ log: EthereumLog, error: any Error) -> ObservationRecord {
        let observation = LockObservation(
            id: id(of: log), profile: configuration.profile, blockNumber: log.blockNumber, blockHash: log.blockHash,
            sender: [], token: [], amount: 0, payment: 0, recipient: "", relayer: "", metadata: "", blockTimeMs: 0, destinationChain: 0)
        return ObservationRecord(observation: observation, status: .rejected, reason: "\(RejectionReason.malformedEvent.rawValue): \(error)")
    }

    /// The verdict on a decoded lock. `firstLockIndex`: the lowest log index of a lock event of
    /// the bridge contract in the same transaction (`LockEventDecoder.firstLockIndex(in:contract:)`);
    /// a lock after it is rejected as `duplicate_transaction_lock`. nil: this is the only one.
    public func judge(_ lock: DecodedLock, firstLockIndex: UInt64? = nil) -> ObservationRecord {
        let c = configuration
        let observation = LockObservation(
            id: id(of: lock.log), profile: c.profile, blockNumber: lock.log.blockNumber, blockHash: lock.log.blockHash,
            sender: lock.sender, token: lock.token, amount: lock.amount.uint64 ?? 0, payment: lock.payment.uint64 ?? 0,
            recipient: lock.recipient, relayer: lock.relayer, metadata: lock.metadata, blockTimeMs: lock.blockTime.uint64 ?? 0,
            destinationChain: lock.chain)
        func reject(_ reason: RejectionReason, _ detail: String) -> ObservationRecord {
            ObservationRecord(observation: observation, status: .rejected, reason: "\(reason.rawValue): \(detail)",
                              amountText: lock.amount.description, paymentText: lock.payment.description)
        }
        if let first = firstLockIndex, first < lock.log.logIndex {
            return reject(.duplicateTransactionLock, "log \(lock.log.logIndex) follows lock log \(first) of the same transaction; the Koinos contract completes one lock per transaction")
        }
        guard let recipient = KoinosAddress(lock.recipient) else {
            return reject(.invalidRecipient, "recipient \(Self.quote(lock.recipient)) is not a Koinos base58check address")
        }
        var relayer: [UInt8] = []
        if c.profile == .v2, !lock.relayer.isEmpty {
            guard let address = KoinosAddress(lock.relayer) else {
                return reject(.invalidRelayer, "relayer \(Self.quote(lock.relayer)) is not a Koinos base58check address")
            }
            relayer = address.bytes
        }
        guard let amount = lock.amount.uint64 else { return reject(.amountNotRepresentable, "amount \(lock.amount) exceeds uint64") }
        guard let payment = lock.payment.uint64 else { return reject(.paymentNotRepresentable, "payment \(lock.payment) exceeds uint64") }
        guard let blockTime = lock.blockTime.uint64, case (let expiration, false) = blockTime.addingReportingOverflow(c.signatureLifetimeMs) else {
            return reject(.blockTimeNotRepresentable, "block time \(lock.blockTime) plus the signature lifetime exceeds uint64")
        }
        var koinosToken: [UInt8]?
        if let tokens = c.tokens {
            guard let mapped = tokens[lock.token] else {
                return reject(.unknownToken, "token \(EthereumAddress(bytes: lock.token)?.checksummed ?? "?") is not in the token list")
            }
            koinosToken = mapped
        }
        var message: KoinosTransferMessage?
        if let koinosToken, let contract = c.koinosContract {
            message = KoinosTransferMessage(
                profile: c.profile, transactionID: lock.log.transactionHash, token: koinosToken, recipient: recipient.bytes,
                relayer: relayer, amount: amount, payment: payment, metadata: lock.metadata, contractID: contract,
                expiration: expiration, chain: lock.chain)
        }
        return ObservationRecord(observation: observation, status: .observed, reason: nil, message: message, digest: message?.digest)
    }

    /// A bounded, printable rendering of attacker-controlled text for reasons and logs.
    static func quote(_ text: String) -> String {
        let clipped = text.unicodeScalars.prefix(64).map { $0.isASCII && $0.value >= 32 ? String($0) : "\\u{\(String($0.value, radix: 16))}" }.joined()
        return "\"" + clipped + (text.unicodeScalars.count > 64 ? "…" : "") + "\""
    }
}
