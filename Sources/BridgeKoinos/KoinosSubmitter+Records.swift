// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeSigning
import ChainCrypto
import Koinos
import Logging
import Metrics

extension KoinosSubmitter {
    func save(_ record: SubmissionRecord, observation status: AttestationStatus? = nil) async {
        do {
            try await queue.saveSubmission(record, observationStatus: status)
        } catch {
            logger.error("Cannot write the submission row", metadata: ["transfer.id": "\(record.observationID)", "error": "\(error)"])
        }
    }

    /// Parks the submission until `retryAtMs` with a visible reason; writes only when something changed.
    func wait(_ record: inout SubmissionRecord, now: UInt64, reason: String, retryAtMs: UInt64) async {
        guard record.lastError != reason || record.nextAttemptAtMs != retryAtMs || record.status != .pending else { return }
        let firstTime = record.lastError != reason
        record.status = .pending
        record.lastError = reason
        record.nextAttemptAtMs = retryAtMs
        record.updatedAtMs = now
        await save(record)
        if firstTime { logger.debug("Submission waits", metadata: ["transfer.id": "\(record.observationID)", "reason": "\(reason)"]) }
    }

    func markSubmitted(_ record: inout SubmissionRecord, txID: [UInt8], now: UInt64, observationID: String) async {
        record.status = .submitted
        record.koinosTransactionID = txID
        record.attempts += 1
        record.lastError = nil
        record.nextAttemptAtMs = nil
        record.submittedAtMs = now
        record.updatedAtMs = now
        await save(record, observation: .submitted)
        metrics.submitted()
        logger.info("Submitted complete_transfer", metadata: ["transfer.id": "\(observationID)", "koinos.tx.id": "\(ChainHex.encode(txID))"])
    }

    /// The contract reports the transfer completed. It is final (`completed`) once the last
    /// irreversible block reaches the head height at which that was first seen: the block holding
    /// the completing transaction is then irreversible. Until then the row waits, re-checking soon.
    func completionSeen(_ record: inout SubmissionRecord, now: UInt64, note: String?) async throws(KoinosError) {
        // The first sighting reads the head after the contract said completed, so the recorded
        // height is at or above the completing block; later checks only compare the LIB, for which
        // the pass's (older, so lower) head is conservative and shared by every transfer waiting.
        let head = record.completedSeenAtHeight == nil ? try await chain.headInfo() : try await headInfoForPass()
        let finality = SubmissionPlanner(configuration: configuration).completionFinality(
            record: record, headHeight: head.height, lastIrreversibleBlock: head.lastIrreversibleBlock, nowMs: now)
        guard case .waitForIrreversibility(let seen, let waiting, let retryAt) = finality else {
            await markCompleted(&record, now: now, note: note)
            return
        }
        let firstTime = record.completedSeenAtHeight == nil
        record.completedSeenAtHeight = seen
        record.lastError = waiting
        record.nextAttemptAtMs = retryAt
        record.updatedAtMs = now
        await save(record)
        if firstTime { logger.info("Transfer completed on Koinos; waiting for irreversibility", metadata: ["transfer.id": "\(record.observationID)", "koinos.height": "\(seen)"]) }
    }

    /// The contract no longer reports a completion seen earlier: a fork above the last
    /// irreversible block dropped the completing transaction. The transfer is sent again (the
    /// contract's replay rule keeps it to one completion).
    func forgetDroppedCompletion(_ record: inout SubmissionRecord, observationID: String) {
        record.completedSeenAtHeight = nil
        record.lastError = SendAgainReason.completionDropped.text
        metrics.failed(SendAgainReason.completionDropped.metricReason)
        logger.warning("A Koinos fork dropped a completed transfer; it will be sent again", metadata: ["transfer.id": "\(observationID)"])
    }

    func markCompleted(_ record: inout SubmissionRecord, now: UInt64, note: String?) async {
        record.status = .completed
        record.lastError = note
        record.nextAttemptAtMs = nil
        record.updatedAtMs = now
        await save(record, observation: .completed)
        metrics.completed(elsewhere: note != nil)
        logger.info("Transfer completed on Koinos", metadata: ["transfer.id": "\(record.observationID)"])
    }

    /// Records a failed attempt as `SubmissionFailure.classify` says: reason in the row, backoff
    /// with jitter, a metric, a nonce resync or a stale validator set; never dropped.
    func fail(_ record: inout SubmissionRecord, now: UInt64, error: any Error) async {
        let failure = SubmissionFailure.classify(error)
        if failure.resyncsNonce { resyncNonce() }
        if failure.marksValidatorsStale { validators.markStale() }
        record.status = .failed
        record.attempts += 1
        record.lastError = failure.text
        let delay = failure.delayMs(attempt: record.attempts, unit: random(), configuration: configuration)
        record.nextAttemptAtMs = now &+ delay
        record.updatedAtMs = now
        await save(record)
        metrics.failed(failure.metricReason)
        logger.warning("Submission attempt failed", metadata: [
            "transfer.id": "\(record.observationID)", "reason": "\(failure.text)", "retry.in.ms": "\(delay)",
        ])
    }
}
