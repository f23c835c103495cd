// SPDX-License-Identifier: Apache-2.0
import Koinos

/// A transfer checked open and ready to go into a `complete_transfer` transaction.
public struct BatchCandidate: Sendable, Equatable {
    /// Size of the encoded `complete_transfer` arguments.
    public var argumentBytes: Int
    /// A v2 claim signed with a recipient key as well: it goes in a transaction of its own.
    public var needsOwnTransaction: Bool

    public init(argumentBytes: Int, needsOwnTransaction: Bool = false) {
        self.argumentBytes = argumentBytes
        self.needsOwnTransaction = needsOwnTransaction
    }
}

extension SubmissionPlanner {
    /// Groups the ready transfers (indices into `candidates`) into transactions, keeping their
    /// order: at most `maxTransfersPerTransaction` operations and `maxTransactionBytes` of
    /// arguments in each; a claim that needs its own signer goes alone. One operation that reverts
    /// reverts its whole transaction, so only transfers checked open are candidates, and a refused
    /// batch is sent again one transfer per transaction (`SubmissionFailure.sendsMembersAlone`).
    public func batches(_ candidates: [BatchCandidate]) -> [[Int]] {
        let maxCount = max(1, configuration.maxTransfersPerTransaction)
        var out: [[Int]] = []
        var current: [Int] = []
        var bytes = 0
        for (i, c) in candidates.enumerated() {
            if c.needsOwnTransaction {
                out.append([i])
                continue
            }
            if !current.isEmpty, current.count >= maxCount || bytes + c.argumentBytes > configuration.maxTransactionBytes {
                out.append(current)
                current = []
                bytes = 0
            }
            current.append(i)
            bytes += c.argumentBytes
        }
        if !current.isEmpty { out.append(current) }
        return out
    }
}

extension SubmissionFailure {
    /// Whether a transaction of `count` transfers refused with `error` is sent again as one
    /// transfer per transaction: a revert (one transfer completed meanwhile, one bad signature set)
    /// or a refusal of the transaction's form, so one transfer never holds back the others. A
    /// refusal about the account (nonce, mana, pending limit, node down) fails every member alike.
    public static func sendsMembersAlone(_ error: any Error, count: Int) -> Bool {
        guard count > 1, case .chain(let failure)? = error as? KoinosError else { return false }
        switch failure.kind {
        case .reverted, .malformed, .other: return true
        case .insufficientRC, .invalidNonce, .pendingLimitExceeded, .authorization: return false
        }
    }
}
