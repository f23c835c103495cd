// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import ChainCrypto
public import Ethereum

/// The decisions on Ethereum's `TransferCompletedEvent` and `RequestNewSignaturesEvent`
/// (bridge-contracts.md §1.2, §2.7), given what the store holds. Pure: no I/O, no clock.
public enum EthereumBridgeEventJudge {
    /// Why an event changed nothing. The raw value is the bounded metric label.
    public enum IgnoredReason: String, Sendable, Hashable, CaseIterable {
        case malformed
        /// No stored transfer with this id (not ours to track, or not observed: another deployment).
        case unknownTransfer = "unknown_transfer"
        case alreadyCompleted = "already_completed"
        /// Stored, but in a state the event cannot change (rejected; for a re-sign also submitted or delayed).
        case wrongStatus = "wrong_status"
        /// A re-sign request before the old expiration + the signature lifetime.
        case tooEarly = "too_early"
    }

    public enum Verdict: Sendable, Hashable {
        case complete(EthereumCompletion)
        case resign(ObservationResign)
        case ignored(IgnoredReason, detail: String)
    }

    /// The Koinos lock a `TransferCompletedEvent` names: a 34-byte transaction id (0x1220…) and an
    /// operation id that fits uint32; nil otherwise (no lock of ours can have it).
    public static func lockID(transactionID: [UInt8], operationID: ABIWord) -> KoinosLockID? {
        guard transactionID.count == 34, let op = operationID.uint64.flatMap(UInt32.init(exactly:)) else { return nil }
        return KoinosLockID(transactionID: transactionID, operationID: op)
    }

    /// `TransferCompletedEvent` for lock `id` (nil: not a possible lock id), stored with `status`
    /// (nil: unknown): every live status becomes completed, whoever submitted the transfer.
    public static func judgeCompletion(_ id: KoinosLockID?, status: AttestationStatus?, transactionHash: [UInt8]) -> Verdict {
        guard let id else { return .ignored(.malformed, detail: "the event's txId/operationId cannot name a Koinos lock") }
        switch status {
        case nil: return .ignored(.unknownTransfer, detail: "no stored Koinos lock \(id)")
        case .completed?: return .ignored(.alreadyCompleted, detail: "\(id) is already completed")
        case .rejected?, .delayed?: return .ignored(.wrongStatus, detail: "\(id) is \(status.map(\.rawValue) ?? "")")
        default: return .complete(EthereumCompletion(lock: id, transactionHash: transactionHash))
        }
    }

    /// `RequestNewSignaturesEvent` made at `requestTimeMs` (the request block's time, ms) for the
    /// stored transfers of its lock transaction. Honoured only when the request time ≥ old
    /// expiration + `lifetimeMs`; the new expiration is the request time + `lifetimeMs`, the same
    /// on every validator, so the new digest is the same everywhere.
    public static func judgeResign(requestTimeMs word: ABIWord, stored: [StoredTransferForResign], lifetimeMs: UInt64) -> Verdict {
        guard let requestTimeMs = word.uint64 else { return .ignored(.malformed, detail: "blocktime \(word) exceeds uint64") }
        // Only the first lock of a transaction is valid (ObservationJudge); the others are rejected.
        guard let transfer = stored.first(where: { $0.status != .rejected }) ?? stored.first else {
            return .ignored(.unknownTransfer, detail: "no stored transfer of this transaction")
        }
        let id = transfer.id
        if transfer.status == .completed { return .ignored(.alreadyCompleted, detail: "\(id) is already completed") }
        guard AttestationStatus.resignable.contains(transfer.status) else {
            return .ignored(.wrongStatus, detail: "\(id) is \(transfer.status.rawValue)")
        }
        guard let old = transfer.expiration, let message = transfer.message, let oldDigest = transfer.digest else {
            return .ignored(.wrongStatus, detail: "\(id) has no signed message")
        }
        guard case (let notBefore, false) = old.addingReportingOverflow(lifetimeMs),
              case (let expiration, false) = requestTimeMs.addingReportingOverflow(lifetimeMs)
        else { return .ignored(.malformed, detail: "expiration overflows uint64") }
        guard requestTimeMs >= notBefore else {
            return .ignored(.tooEarly, detail: "\(id): requested at \(requestTimeMs) ms, honoured from \(notBefore) ms")
        }
        guard let repacked = repack(message, profile: transfer.profile, old: old, new: expiration) else {
            return .ignored(.malformed, detail: "\(id): the stored message does not carry its stored expiration")
        }
        return .resign(ObservationResign(id: id, oldDigest: oldDigest, expiration: expiration, message: repacked, digest: SHA256Digest.hash(repacked)))
    }

    /// The encoded `KoinosTransferMessage` with its expiration `old` replaced by `new`
    /// (`KoinosTransferMessage.reexpired`, the governor's rewrite too). Nil when the message is not
    /// well formed or does not carry `old`.
    static func repack(_ message: [UInt8], profile: ContractProfile, old: UInt64, new: UInt64) -> [UInt8]? {
        guard KoinosTransferMessage.expiration(ofEncoded: message, profile: profile) == old else { return nil }
        return KoinosTransferMessage.reexpired(message, profile: profile, expiration: new)
    }
}
