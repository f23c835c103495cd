// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeStore
import ChainCrypto
import Koinos
import Logging
import Metrics

extension KoinosSubmitter {
    func save(_ record: SubmissionRecord, observation status: AttestationStatus? = nil) async {
        do {
            try await store.saveSubmission(record, observationStatus: status)
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
        Counter(label: "bridge_koinos_submissions_total", dimensions: [("result", "submitted")]).increment()
        logger.info("Submitted complete_transfer", metadata: ["transfer.id": "\(observationID)", "koinos.tx.id": "\(ChainHex.encode(txID))"])
    }

    func markCompleted(_ record: inout SubmissionRecord, now: UInt64, note: String?) async {
        record.status = .completed
        record.lastError = note
        record.nextAttemptAtMs = nil
        record.updatedAtMs = now
        await save(record, observation: .completed)
        Counter(label: "bridge_koinos_submissions_total", dimensions: [("result", note == nil ? "completed" : "completed_elsewhere")]).increment()
        logger.info("Transfer completed on Koinos", metadata: ["transfer.id": "\(record.observationID)"])
    }

    /// Records a failed attempt: reason in the row, backoff with jitter, a metric; never dropped.
    func fail(_ record: inout SubmissionRecord, now: UInt64, error: any Error) async {
        let (metricReason, text) = classify(error)
        record.status = .failed
        record.attempts += 1
        record.lastError = text
        var delay = configuration.backoff.delayMs(attempt: record.attempts, unit: random())
        if metricReason == "already_completed" { delay = min(delay, configuration.recheckIntervalMs) }
        record.nextAttemptAtMs = now &+ delay
        record.updatedAtMs = now
        await save(record)
        Counter(label: "bridge_koinos_failures_total", dimensions: [("reason", metricReason)]).increment()
        logger.warning("Submission attempt failed", metadata: [
            "transfer.id": "\(record.observationID)", "reason": "\(text)", "retry.in.ms": "\(delay)",
        ])
    }

    private func classify(_ error: any Error) -> (metric: String, text: String) {
        guard let error = error as? KoinosError else { return ("other", "\(error)") }
        switch error {
        case .unreachable(let m):
            return ("unreachable", "node unreachable: \(m)")
        case .rpc, .malformedResponse:
            return ("node_error", error.description)
        case .chain(let f):
            switch f.kind {
            case .insufficientRC: return ("mana", "mana exhausted: \(f.message)")
            case .invalidNonce:
                resyncNonce()
                return ("nonce", "nonce conflict: \(f.message)")
            case .pendingLimitExceeded: return ("pending_limit", "pending transaction limit: \(f.message)")
            case .reverted:
                if f.message.contains("already completed") { return ("already_completed", "rejected: \(f.message)") }
                if f.message.contains("is not a validator") || f.message.contains("quorum") {
                    validators.markStale()
                }
                return ("rejected", "rejected: \(f.message)")
            case .authorization, .malformed, .other:
                resyncNonce()
                return ("rejected", "rejected (\(f.code)): \(f.message)")
            }
        }
    }
}
