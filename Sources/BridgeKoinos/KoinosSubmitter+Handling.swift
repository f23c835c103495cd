// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeSigning
import ChainCrypto
import Koinos
import Logging
import Metrics

extension KoinosSubmitter {
    /// One observation: performs the steps `SubmissionPlanner` decides (the chain calls and the row
    /// writes). A transfer to send is checked open and added to `ready` (sent after the pass, in
    /// batches); it takes one of `slots`; with none left it waits for the next pass and the call
    /// returns false (deferred), without writing anything.
    @discardableResult
    func handle(_ o: SubmittableObservation, included: Set<[UInt8]>?, slots: inout Int, ready: inout [ReadyCompletion]) async -> Bool {
        let now = clock.nowMilliseconds
        var record = o.submission ?? SubmissionRecord(observationID: o.id, status: .pending, updatedAtMs: now)
        let planner = SubmissionPlanner(configuration: configuration)
        var step = planner.step(for: o, record: record, validators: validators.current, nowMs: now)
        if case .follow = step, let message = SubmissionPlanner.decodedMessage(o) {
            if await track(o, message, &record, now: now, included: included) { return true }
            step = planner.sendStep(for: o, message: message, validators: validators.current, nowMs: now)
        }
        if case .send = step, slots <= 0 { return false }
        switch step {
        case .nothing, .follow:
            return true
        case .recordObservationCompleted:
            await save(record, observation: .completed)
        case .park(let reason, let retryAt):
            await wait(&record, now: now, reason: reason, retryAtMs: retryAt)
        case .watch(let reason, let retryAt):
            guard let message = SubmissionPlanner.decodedMessage(o) else { return true }
            await recheckOnly(&record, message, now: now, reason: reason, retryAtMs: retryAt)
        case .send(let recipientKeyIndex):
            guard let message = SubmissionPlanner.decodedMessage(o) else { return true }
            let extraSigners = recipientKeyIndex.map { [configuration.recipientKeys[$0]] } ?? []
            if let completion = await prepare(o, message, &record, now: now, extraSigners: extraSigners) {
                ready.append(completion)
                slots -= 1
            }
        }
        return true
    }

    /// Follows our transaction, performing `SubmissionPlanner.afterStatus`; returns true when
    /// nothing more is to be done in this pass (false: decide the send again).
    private func track(
        _ o: SubmittableObservation, _ message: KoinosTransferMessage, _ record: inout SubmissionRecord, now: UInt64, included known: Set<[UInt8]>?
    ) async -> Bool {
        guard let txID = record.koinosTransactionID else { return false }
        let planner = SubmissionPlanner(configuration: configuration)
        do {
            let included: Bool
            if let known {
                included = known.contains(txID)
            } else {
                included = try await chain.transactionsByID([txID]).contains { $0.transactionID == txID && !$0.containingBlocks.isEmpty }
            }
            guard planner.needsStatusCheck(record: record, included: included, nowMs: now) else { return true }
            let completed = try await chain.transferCompleted(bridge: configuration.bridgeContract, transactionID: message.transactionID)
            switch planner.afterStatus(record: record, included: included, completedOnChain: completed, nowMs: now) {
            case .keepWaiting:
                return true
            case .completionSeen(let note):
                try await completionSeen(&record, now: now, note: note)
                return true
            case .recordIncluded:
                record.status = .included
                record.updatedAtMs = now
                await save(record, observation: .submitted)
                return true
            case .sendAgain(.completionDropped):
                forgetDroppedCompletion(&record, observationID: o.id)
            case .sendAgain(let reason):
                record.lastError = reason.text
                metrics.failed(reason.metricReason)
                logger.warning("Submitted transaction did not complete the transfer; resubmitting", metadata: [
                    "transfer.id": "\(o.id)", "koinos.tx.id": "\(ChainHex.encode(txID))",
                ])
            }
            resyncNonce()
            record.status = .pending
            return false
        } catch {
            await fail(&record, now: now, error: error)
            return true
        }
    }

    /// Exactly the signatures the contract needs: each re-verified against the digest (one bad
    /// signature reverts the whole call), then `Attestation.submissionSet` (distinct current
    /// validators, ordered, Q(N)).
    func submissionSignatures(_ o: SubmittableObservation, set: ValidatorSet) -> [[UInt8]]? {
        guard let id = ObservationID(o.id), let message = try? KoinosTransferMessage(decoding: o.message, profile: o.profile) else { return nil }
        let verified = o.signatures.filter { KoinosSignature.recoverAddress(digest: o.digest, signature: $0.signature)?.bytes == $0.validator }
        let attestation = Attestation(
            observationID: id, profile: o.profile, digest: o.digest, message: message, signatures: verified, status: .quorum)
        return attestation.submissionSet(for: set)?.map(\.signature)
    }

    /// Not ours to submit: only notice when someone else completed it.
    private func recheckOnly(
        _ record: inout SubmissionRecord, _ message: KoinosTransferMessage, now: UInt64, reason: String, retryAtMs: UInt64
    ) async {
        do {
            let completed = try await chain.transferCompleted(bridge: configuration.bridgeContract, transactionID: message.transactionID)
            switch SubmissionPlanner(configuration: configuration).completionCheck(record: record, completedOnChain: completed) {
            case .completed:
                try await completionSeen(&record, now: now, note: "completed by another submitter")
                return
            case .completionDropped: forgetDroppedCompletion(&record, observationID: record.observationID)
            case .notCompleted: break
            }
        } catch {
            logger.debug("Transfer status check failed", metadata: ["error": "\(error)"])
        }
        await wait(&record, now: now, reason: reason, retryAtMs: retryAtMs)
    }
}
