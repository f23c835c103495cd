// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import BridgeSigning
import ChainCrypto

/// What the submitter does next with one observation.
public enum SubmissionStep: Sendable, Equatable {
    /// Nothing in this pass: not due yet, or done.
    case nothing
    /// Our transaction completed it earlier; only the observation row still says otherwise.
    case recordObservationCompleted
    /// Wait without asking the chain (the stored row cannot be sent), with the reason shown in the API.
    case park(reason: String, retryAtMs: UInt64)
    /// Follow our transaction `transactionID` (included? completed? timed out?).
    case follow(transactionID: [UInt8])
    /// Not ours to send now: ask whether someone else completed it, else wait with the reason.
    case watch(reason: String, retryAtMs: UInt64)
    /// Send `complete_transfer` now; v2 claims for a recipient sign with `recipientKeys[recipientKeyIndex]` too.
    case send(recipientKeyIndex: Int?)
}

/// The submitter's decisions, pure: from the stored observation, its submission row, the validator
/// set in force and `now`, with no chain call. `KoinosSubmitter` performs the steps (the RPC calls
/// and the row writes); this type is tested with a virtual clock and no Koinos node.
public struct SubmissionPlanner: Sendable {
    public var configuration: KoinosSubmitterConfiguration

    public init(configuration: KoinosSubmitterConfiguration) {
        self.configuration = configuration
    }

    /// The first step for `observation` in a pass.
    public func step(
        for observation: SubmittableObservation, record: SubmissionRecord, validators: ValidatorSet, nowMs now: UInt64
    ) -> SubmissionStep {
        if record.status == .completed { return observation.status == .completed ? .nothing : .recordObservationCompleted }
        if let next = record.nextAttemptAtMs, next > now { return .nothing }
        guard let message = Self.decodedMessage(observation) else {
            return .park(reason: "stored message does not decode to its digest", retryAtMs: now &+ configuration.validatorRefreshIntervalMs)
        }
        guard observation.profile == configuration.profile, message.contractID == configuration.bridgeContract else {
            return .park(reason: "message is for another bridge contract or profile", retryAtMs: now &+ configuration.validatorRefreshIntervalMs)
        }
        if record.status == .submitted || record.status == .included, let txID = record.koinosTransactionID {
            return .follow(transactionID: txID)
        }
        return sendStep(for: observation, message: message, validators: validators, nowMs: now)
    }

    /// Whether this node sends now (its turn in the rotation, or the v2 relayer is this node), or
    /// only watches, and why.
    public func sendStep(
        for observation: SubmittableObservation, message: KoinosTransferMessage, validators: ValidatorSet, nowMs now: UInt64
    ) -> SubmissionStep {
        guard configuration.sendsTransactions else {
            return .watch(reason: "relayer_policy none: this node attests and never submits", retryAtMs: now &+ configuration.recheckIntervalMs)
        }
        var recipientKeyIndex: Int?
        if observation.profile == .v2 {
            if !message.relayer.isEmpty, message.relayer == configuration.payerAddress { return .send(recipientKeyIndex: nil) }
            guard let index = configuration.recipientKeys.firstIndex(where: { KoinosAddress(publicKey: $0.publicKey).bytes == message.recipient })
            else {
                let reason = message.relayer.isEmpty
                    ? "v2: relayer empty, only the recipient may claim and no key is configured for it"
                    : "v2: the relayer is another account; it claims the transfer"
                return .watch(reason: reason, retryAtMs: now &+ configuration.recheckIntervalMs)
            }
            recipientKeyIndex = index
        }
        guard let earliest = SubmitterRotation.earliestAttempt(
            of: configuration.validatorAddress, in: validators, observationID: observation.id, originMs: observation.quorumAtMs,
            takeoverMs: configuration.takeoverTimeoutMs)
        else {
            return .watch(reason: "this node is not a current validator", retryAtMs: now &+ configuration.recheckIntervalMs)
        }
        guard now >= earliest else {
            // Not our turn yet: look again within seconds so a transfer the submitter of the turn
            // completed shows `completed` here too, not only at this node's own turn.
            return .watch(
                reason: "waiting for this node's turn in the submitter rotation", retryAtMs: min(earliest, now &+ configuration.turnRecheckIntervalMs))
        }
        return .send(recipientKeyIndex: recipientKeyIndex)
    }

    /// How many more transactions this pass may send: the mempool's per-account limit minus our
    /// transactions it still holds (sent, not in a block; several rows share a batched one). With
    /// `included` unknown (the node did not answer), every sent transaction counts as pending.
    public func mempoolRoom(_ work: [SubmittableObservation], included: Set<[UInt8]>?) -> Int {
        var pending = Set<[UInt8]>()
        for o in work {
            guard let s = o.submission, s.status == .submitted, let txID = s.koinosTransactionID else { continue }
            if included?.contains(txID) != true { pending.insert(txID) }
        }
        return max(0, configuration.maxPendingTransactions - pending.count)
    }

    /// The stored message, when it decodes, re-encodes to the same bytes and hashes to the stored digest.
    public static func decodedMessage(_ o: SubmittableObservation) -> KoinosTransferMessage? {
        guard let message = try? KoinosTransferMessage(decoding: o.message, profile: o.profile), message.encoded() == o.message,
            message.digest == o.digest
        else { return nil }
        return message
    }
}
