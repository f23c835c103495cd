// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeStore
import ChainCrypto
import Foundation
import Synchronization

/// The JSON of one attestation (list items and detail share it; detail adds recovery results).
///
/// u64 amounts are strings (they exceed JavaScript's safe integers); block numbers, times and
/// indices are numbers. Byte values are `0x` hex, Ethereum addresses EIP-55, Koinos addresses
/// base58, signatures base64url with padding (the Koinos wire form).
struct AttestationJSON: Encodable {
    var id: String
    /// Every attestation of this list is of the first direction (Koinos locks: `?direction=koinos_to_ethereum`).
    var direction = BridgeCore.TransferDirection.ethereumToKoinos.rawValue
    var profile: String
    var status: String
    var reason: Nullable<String>
    var digest: Nullable<String>
    var observation: ObservationJSON
    var signatures: [SignatureJSON]
    var quorum: QuorumJSON
    var submission: Nullable<SubmissionJSON>
    /// The outflow governor's decision (null when the token is not governed).
    var governor: Nullable<GovernorDecisionJSON>
    var created_at_ms: UInt64
    var updated_at_ms: UInt64
    var links: [String: String]

    init(_ r: AttestationRecord, recovery: SignatureRecoveryCache?) {
        id = r.id
        profile = r.profile
        status = r.status
        reason = Nullable(r.reason)
        digest = Nullable(r.digest.map { Hex.encode($0) })
        observation = ObservationJSON(r)
        signatures = r.signatures.map { SignatureJSON($0, current: r.digest, recovery: recovery) }
        let have = r.quorumHave ?? Set(signatures.filter { $0.current }.map(\.validator)).count
        quorum = QuorumJSON(required: r.quorumRequired, have: have, reached_at_ms: r.quorumAtMs)
        submission = Nullable(r.submission.map(SubmissionJSON.init))
        governor = Nullable(r.governor.map(GovernorDecisionJSON.init))
        created_at_ms = r.createdAtMs
        updated_at_ms = r.updatedAtMs
        // Ids hold only digits, `0x` hex and `:`, all valid in an absolute path as they are.
        links = ["self": "/v1/attestations/\(r.id)"]
    }
}

struct ObservationJSON: Encodable {
    var chain_id: UInt64
    var tx_hash: String
    var log_index: UInt32
    var block_number: UInt64
    var block_hash: String
    var block_time_ms: UInt64
    var token: String
    var sender: String
    var amount: String
    var recipient: String
    var relayer: String
    var payment: String
    var metadata: String
    var destination_chain: UInt32
    var koinos_token: Nullable<String>
    var koinos_contract: Nullable<String>
    var expiration: Nullable<UInt64>

    init(_ r: AttestationRecord) {
        chain_id = r.chainID
        tx_hash = Hex.encode(r.transactionHash)
        log_index = r.logIndex
        block_number = r.blockNumber
        block_hash = Hex.encode(r.blockHash)
        block_time_ms = r.blockTimeMs
        token = TextForms.ethereumAddress(r.token)
        sender = TextForms.ethereumAddress(r.sender)
        amount = r.amount
        recipient = r.recipient
        relayer = r.relayer
        payment = r.payment
        metadata = r.metadata
        destination_chain = r.destinationChain
        koinos_token = Nullable(r.koinosToken.map(TextForms.koinosAddress))
        koinos_contract = Nullable(r.koinosContract.map(TextForms.koinosAddress))
        expiration = Nullable(r.expiration)
    }
}

struct SignatureJSON: Encodable {
    /// Koinos address (base58) the signature is stored under.
    var validator: String
    var signature: String
    var source: String
    var received_at_ms: UInt64
    /// Whether it signs the observation's current digest.
    var current: Bool
    /// Detail only: the address the signature recovers to over its digest (null when it does not recover).
    var recovered: String??
    /// Detail only: recovered == validator.
    var valid: Bool?

    init(_ s: SignatureRecord, current digest: [UInt8]?, recovery: SignatureRecoveryCache?) {
        validator = TextForms.koinosAddress(s.validator)
        signature = TextForms.base64URL(s.signature)
        source = s.source
        received_at_ms = s.receivedAtMs
        current = digest == s.digest
        if let recovery {
            let address = recovery.recover(digest: s.digest, signature: s.signature)
            recovered = .some(address)
            valid = address == validator
        }
    }

    enum CodingKeys: String, CodingKey { case validator, signature, source, received_at_ms, current, recovered, valid }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(validator, forKey: .validator)
        try c.encode(signature, forKey: .signature)
        try c.encode(source, forKey: .source)
        try c.encode(received_at_ms, forKey: .received_at_ms)
        try c.encode(current, forKey: .current)
        if let recovered { try c.encode(recovered, forKey: .recovered) }
        try c.encodeIfPresent(valid, forKey: .valid)
    }
}

struct QuorumJSON: Encodable {
    var required: Int?
    var have: Int
    var reached_at_ms: UInt64?

    enum CodingKeys: String, CodingKey { case required, have, reached, reached_at_ms }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(required, forKey: .required)
        try c.encode(have, forKey: .have)
        try c.encode(required.map { $0 > 0 && have >= $0 } ?? false, forKey: .reached)
        try c.encode(reached_at_ms, forKey: .reached_at_ms)
    }
}

struct SubmissionJSON: Encodable {
    var koinos_tx_id: Nullable<String>
    var status: String
    var attempts: Int
    var last_error: Nullable<String>
    var submitted_at_ms: Nullable<UInt64>
    var updated_at_ms: UInt64

    init(_ s: SubmissionView) {
        koinos_tx_id = Nullable(s.koinosTransactionID.map { Hex.encode($0) })
        status = s.status
        attempts = s.attempts
        last_error = Nullable(s.lastError)
        submitted_at_ms = Nullable(s.submittedAtMs)
        updated_at_ms = s.updatedAtMs
    }
}

/// Text forms of chain values shared by every JSON and HTML view.
///
/// Addresses repeat (validators, tokens, senders), so their text forms are remembered: EIP-55
/// needs a Keccak hash and base58 a long division, each paid once per address.
enum TextForms {
    private static let ethereumForms = AddressTextCache()
    private static let koinosForms = AddressTextCache()

    static func ethereumAddress(_ bytes: [UInt8]) -> String {
        ethereumForms.text(for: bytes) { EthereumAddress(bytes: $0)?.checksummed ?? Hex.encode($0) }
    }

    static func koinosAddress(_ bytes: [UInt8]) -> String { koinosForms.text(for: bytes) { Base58.encode($0) } }

    /// base64url with `=` padding (Go's `base64.URLEncoding`, what Koinos JSON uses).
    static func base64URL(_ bytes: [UInt8]) -> String { Base64URL.encode(bytes, padded: true) }
}

/// Encodes nil as JSON `null` instead of leaving the key out, so documented keys are always present.
struct Nullable<Wrapped: Encodable>: Encodable {
    var value: Wrapped?
    init(_ value: Wrapped?) { self.value = value }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        if let value { try c.encode(value) } else { try c.encodeNil() }
    }
}

/// Text forms of addresses by their bytes; bounded (emptied when full), answers never go stale.
final class AddressTextCache: Sendable {
    static let capacity = 4096
    private let table = Mutex<[Key: String]>([:])

    /// Address bytes hashed in one call (`[UInt8]`'s own hashing feeds the hasher one byte at a time).
    private struct Key: Hashable {
        var bytes: [UInt8]
        func hash(into hasher: inout Hasher) { bytes.withUnsafeBytes { hasher.combine(bytes: $0) } }
    }

    func text(for bytes: [UInt8], encode: ([UInt8]) -> String) -> String {
        let key = Key(bytes: bytes)
        if let hit = table.withLock({ $0[key] }) { return hit }
        let text = encode(bytes)
        table.withLock { t in
            if t.count >= Self.capacity { t.removeAll(keepingCapacity: true) }
            t[key] = text
        }
        return text
    }
}
