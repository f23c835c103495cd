// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import BridgeSigning
import ChainCrypto

/// The sender's decisions, pure: from the transfer, its delivery row, the validator set, fees and
/// `now`, with no chain call. `EthereumSender` performs them; this type is tested with a virtual
/// clock and no node.
public struct EthereumSubmissionPlanner: Sendable {
    public var configuration: EthereumSenderConfiguration

    public init(configuration: EthereumSenderConfiguration) { self.configuration = configuration }

    /// The first step for `transfer` in a pass. `validators` holds the contract's current
    /// validators (20-byte Ethereum addresses).
    public func step(for transfer: CompletableTransfer, record: DeliveryRecord, validators: ValidatorSet, nowMs now: UInt64) -> DeliveryStep {
        let c = configuration
        if record.status == .completed { return .nothing }
        if let next = record.nextAttemptAtMs, next > now { return .nothing }
        let m = transfer.message
        guard m.bridge == c.bridge, m.profile == c.profile else {
            return .park(reason: "transfer is for another bridge contract or profile", retryAtMs: now &+ c.recheckIntervalMs)
        }
        if record.status == .sent || record.status == .included { return .follow }
        if record.status == .failed, record.attempts >= c.maxAttempts {
            return .watch(reason: "gave up after \(record.attempts) attempts: \(record.lastError ?? "failed")", retryAtMs: now &+ c.recheckIntervalMs)
        }
        guard c.policy == .own else {
            return .watch(reason: "relayer policy none: this node never sends", retryAtMs: now &+ c.recheckIntervalMs)
        }
        guard m.expiration >= now else {
            return .park(reason: "signatures expired at \(m.expiration); RequestNewSignatures is needed", retryAtMs: now &+ c.recheckIntervalMs)
        }
        if m.profile == .v2 {
            // The contract accepts only the relayer or the recipient as msg.sender.
            guard m.relayer == c.address || m.recipient == c.address else {
                return .watch(reason: "v2: the transfer names another relayer; it or the recipient sends", retryAtMs: now &+ c.recheckIntervalMs)
            }
        } else {
            guard let earliest = SubmitterRotation.earliestAttempt(
                of: c.address, in: validators, observationID: transfer.id, originMs: transfer.quorumAtMs, takeoverMs: c.takeoverTimeoutMs)
            else { return .watch(reason: "this node is not a current validator", retryAtMs: now &+ c.recheckIntervalMs) }
            guard now >= earliest else {
                return .watch(reason: "waiting for this node's turn in the sender rotation", retryAtMs: min(earliest, now &+ c.recheckIntervalMs))
            }
        }
        guard let signatures = Self.submissionSignatures(transfer, validators: validators) else {
            let q = validators.quorum(m.profile)
            return .park(reason: "fewer than Q(N) = \(q) valid signatures of current validators", retryAtMs: now &+ c.recheckIntervalMs)
        }
        return .send(signatures: signatures)
    }

    /// Exactly Q(N) signatures, each recovering (over the §2.3 digest) to the validator it claims,
    /// that validator current and distinct, sorted by validator address ascending; nil when fewer
    /// than Q(N) qualify (or the set is empty). One bad or extra signature reverts the whole call.
    public static func submissionSignatures(_ transfer: CompletableTransfer, validators: ValidatorSet) -> [[UInt8]]? {
        let quorum = validators.quorum(transfer.message.profile)
        guard validators.count > 0, quorum > 0 else { return nil }
        let digest = transfer.message.digest
        var chosen: [ValidatorSignature] = []
        for s in transfer.signatures where validators.contains(s.validator) && !chosen.contains(where: { $0.validator == s.validator }) {
            guard EthereumSignature.recoverAddress(digest: digest, signature: s.signature)?.bytes == s.validator else { continue }
            chosen.append(s)
        }
        guard chosen.count >= quorum else { return nil }
        return chosen.sorted { $0.validator.lexicographicallyPrecedes($1.validator) }.prefix(quorum).map(\.signature)
    }

    /// Fees of a first transaction: the node's tip (or `defaultPriorityFeePerGas` when it has
    /// none) and 2 × base fee + tip, both within the caps.
    public func initialFees(baseFee: UInt64, suggestedTip: UInt64?) -> TransactionFees {
        let c = configuration
        let tip = min(suggestedTip ?? c.defaultPriorityFeePerGas, c.maxPriorityFeePerGas)
        let doubled = baseFee.multipliedReportingOverflow(by: 2)
        let sum = doubled.partialValue.addingReportingOverflow(tip)
        let maxFee = doubled.overflow || sum.overflow ? c.maxFeePerGas : min(sum.partialValue, c.maxFeePerGas)
        return TransactionFees(maxFeePerGas: maxFee, maxPriorityFeePerGas: min(tip, maxFee))
    }

    /// A replacement's fees: both at least +`bumpPercent` (≥ 10 %, rounded up) over `previous`
    /// and at least what `initialFees` would offer now; nil when that exceeds a cap.
    public func bumpedFees(previous: TransactionFees, baseFee: UInt64, suggestedTip: UInt64?) -> TransactionFees? {
        let c = configuration
        let percent = max(c.bumpPercent, 10)
        func raised(_ v: UInt64) -> UInt64 {
            let (p, o) = v.multipliedReportingOverflow(by: 100 + percent)
            return o ? UInt64.max : (p + 99) / 100
        }
        let now = initialFees(baseFee: baseFee, suggestedTip: suggestedTip)
        let tip = max(raised(previous.maxPriorityFeePerGas), now.maxPriorityFeePerGas)
        let maxFee = max(raised(previous.maxFeePerGas), now.maxFeePerGas, tip)
        guard tip <= c.maxPriorityFeePerGas, maxFee <= c.maxFeePerGas else { return nil }
        return TransactionFees(maxFeePerGas: maxFee, maxPriorityFeePerGas: tip)
    }

    /// What to do with our in-flight transaction, from what the chain shows.
    public func follow(record: DeliveryRecord, view: InFlightView, baseFee: UInt64, suggestedTip: UInt64?, nowMs now: UInt64) -> FollowDecision {
        if let r = view.receipt {
            guard r.succeeded else { return .reverted(transactionHash: r.transactionHash, blockNumber: r.blockNumber) }
            let isFinal: Bool
            switch configuration.finality {
            case .confirmations(let n): isFinal = view.head >= r.blockNumber && view.head - r.blockNumber + 1 >= max(n, 1)
            case .finalizedTag: isFinal = (view.finalized ?? 0) >= r.blockNumber && view.finalized != nil
            }
            return isFinal ? .final(transactionHash: r.transactionHash, blockNumber: r.blockNumber) : .included(blockNumber: r.blockNumber)
        }
        if let nonce = record.nonce, view.minedNonce > nonce { return .nonceUsedElsewhere }
        guard now >= (record.sentAtMs ?? record.updatedAtMs) &+ configuration.bumpAfterMs else { return .wait }
        let previous = TransactionFees(maxFeePerGas: record.maxFeePerGas, maxPriorityFeePerGas: record.maxPriorityFeePerGas)
        guard let fees = bumpedFees(previous: previous, baseFee: baseFee, suggestedTip: suggestedTip) else { return .stuckAtCap }
        return .bump(fees)
    }
}
