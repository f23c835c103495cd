// SPDX-License-Identifier: Apache-2.0
import CoreMetrics

/// The Koinos submitter's `bridge_koinos_*` metrics, made once with it. Labels are bounded: a fixed
/// `result` (`submitted`, `completed`, `completed_elsewhere`) and a fixed failure `reason`
/// (`SubmissionFailure.metricReason`, `SendAgainReason.metricReason`, `validator_sync`).
struct KoinosSubmitterMetrics: Sendable {
    private let factory: any MetricsFactory
    private let submittedTransfers: Counter
    private let completedTransfers: Counter
    private let completedElsewhere: Counter
    private let batchedTransfers: Counter
    private let nonceResyncs: Counter
    private let deferredTransfers: Counter

    init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
        submittedTransfers = Counter(label: "bridge_koinos_submissions_total", dimensions: [("result", "submitted")], factory: factory)
        completedTransfers = Counter(label: "bridge_koinos_submissions_total", dimensions: [("result", "completed")], factory: factory)
        completedElsewhere = Counter(label: "bridge_koinos_submissions_total", dimensions: [("result", "completed_elsewhere")], factory: factory)
        batchedTransfers = Counter(label: "bridge_koinos_batched_transfers_total", factory: factory)
        nonceResyncs = Counter(label: "bridge_koinos_nonce_resyncs_total", factory: factory)
        deferredTransfers = Counter(label: "bridge_koinos_submissions_deferred_total", factory: factory)
    }

    /// A `complete_transfer` carrying this transfer was sent.
    func submitted() { submittedTransfers.increment() }

    /// The contract reports the transfer completed, by our transaction or (`elsewhere`) another relayer's.
    func completed(elsewhere: Bool) { (elsewhere ? completedElsewhere : completedTransfers).increment() }

    /// An attempt failed or a transfer must be sent again, for `reason`.
    func failed(_ reason: String) {
        Counter(label: "bridge_koinos_failures_total", dimensions: [("reason", reason)], factory: factory).increment()
    }

    /// `count` transfers went out in one batched transaction.
    func batched(_ count: Int) { batchedTransfers.increment(by: count) }

    /// The local nonce conflicted and was read again from the mempool.
    func nonceResynced() { nonceResyncs.increment() }

    /// `count` ready transfers wait for room in the mempool.
    func deferred(_ count: Int) { deferredTransfers.increment(by: count) }
}
