// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import ChainCrypto
public import Koinos

/// A permissionless `request_new_signatures` seen in an irreversible Koinos block, judged
/// (bridge-contracts.md §2.7): honoured only when the request's block time ≥ the lock's old
/// expiration + the signature lifetime; the new expiration is the request's block time + the
/// lifetime, so the digest changes and the old and new signature sets never mix. Pure.
public enum KoinosResignJudge {
    public enum Verdict: Sendable, Hashable {
        /// Sign again: the packed message with the new expiration and its EIP-191 digest.
        case honour(KoinosResign)
        case tooEarly(notBeforeMs: UInt64)
        /// No stored, valid lock with this id (or it is already completed).
        case unknownLock
        case malformed(String)
    }

    /// The lock ids a request may name: its `operation_id`, or 1 then 3 when empty (the old validator's rule).
    public static func candidates(_ request: KoinosBridgeEvent.RequestNewSignatures) -> [KoinosLockID]? {
        guard request.transactionID.hasPrefix("0x"), let tx = ChainHex.decode(request.transactionID), tx.count == 34 else { return nil }
        if request.operationID.isEmpty { return [1, 3].map { KoinosLockID(transactionID: tx, operationID: $0) } }
        guard let op = UInt32(request.operationID) else { return nil }
        return [KoinosLockID(transactionID: tx, operationID: op)]
    }

    public static func judge(lock: KoinosLockView?, packed: [UInt8]?, requestTimeMs: UInt64, lifetimeMs: UInt64) -> Verdict {
        guard let lock, let packed, let old = lock.expiration,
              ["observed", "signing", "quorum", "expired"].contains(lock.status)
        else { return .unknownLock }
        guard case (let notBefore, false) = old.addingReportingOverflow(lifetimeMs),
              case (let expiration, false) = requestTimeMs.addingReportingOverflow(lifetimeMs)
        else { return .malformed("expiration overflows uint64") }
        guard requestTimeMs >= notBefore else { return .tooEarly(notBeforeMs: notBefore) }
        guard let repacked = repack(packed, profile: lock.profile == "v1" ? .v1 : .v2, old: old, new: expiration) else {
            return .malformed("the stored message does not carry the stored expiration")
        }
        let digest = EthereumSignature.eip191Digest(of: Keccak256.hash(repacked))
        return .honour(KoinosResign(id: lock.id, expiration: expiration, message: repacked, digest: digest))
    }

    /// The packed message with its uint256 expiration replaced: the last 32 bytes (v1), or the 32
    /// bytes before the trailing uint32 chain id (v2). Nil when `old` is not there.
    static func repack(_ packed: [UInt8], profile: ContractProfile, old: UInt64, new: UInt64) -> [UInt8]? {
        let end = packed.count - (profile == .v2 ? 4 : 0)
        guard end >= 32 else { return nil }
        var word = PackedEncoder()
        word.uint256(old)
        guard Array(packed[(end - 32)..<end]) == word.bytes else { return nil }
        var replacement = PackedEncoder()
        replacement.uint256(new)
        var out = packed
        out.replaceSubrange((end - 32)..<end, with: replacement.bytes)
        return out
    }
}
