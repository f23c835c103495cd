// SPDX-License-Identifier: Apache-2.0
import CoreMetrics

/// What became of one re-observation request. The raw value is the bounded metric label of
/// `bridge_reobservation_total{result=…}`.
public enum ReobservationResult: String, Sendable, Hashable, CaseIterable {
    /// Found, valid, stored and handed to the signer.
    case observed
    /// Found and stored, but the judge rejected it (same rules as the scan).
    case rejected
    /// Already in the store (from the scan or an earlier request): nothing to do.
    case alreadyStored = "already_stored"
    /// The id is for another EVM chain.
    case wrongChain = "wrong_chain"
    /// The id is already waiting in the queue.
    case duplicate
    /// The id was requested less than the cooldown ago.
    case coolingDown = "cooldown"
    /// The queue is full: the request is dropped.
    case queueFull = "queue_full"
    /// Not final yet; checked again later (not a final outcome).
    case deferred
    /// No endpoint knows the transaction.
    case unknownTransaction = "unknown_transaction"
    /// The transaction reverted.
    case transactionFailed = "transaction_failed"
    /// Still not final after every attempt.
    case notFinal = "not_final"
    /// The canonical block at the receipt's height has another hash.
    case blockHashMismatch = "block_hash_mismatch"
    /// The transaction has no log at that index.
    case logNotFound = "log_not_found"
    /// The log is not a lock event of our bridge contract.
    case unexpectedLog = "unexpected_log"
    /// An endpoint answered something inconsistent (a receipt of another transaction).
    case malformedAnswer = "malformed_answer"
    /// Endpoints kept failing through every attempt.
    case rpcError = "rpc_error"
    /// In `two_agree`, two endpoints gave different receipts, headers or heights through every attempt.
    case endpointsDisagree = "endpoints_disagree"
    /// The store refused the write through every attempt.
    case storeError = "store_error"
}

/// The re-observer's metrics: one counter per result, and the queue length.
final class ReobservationMetrics: Sendable {
    let queueLength: Gauge
    private let counters: [ReobservationResult: Counter]

    /// - Parameter factory: the bootstrapped backend (`MetricsSystem.factory`) unless a test passes its own.
    init(factory: any MetricsFactory) {
        queueLength = Gauge(label: "bridge_reobservation_queue_length", factory: factory)
        var counters: [ReobservationResult: Counter] = [:]
        for result in ReobservationResult.allCases {
            counters[result] = Counter(label: "bridge_reobservation_total", dimensions: [("result", result.rawValue)], factory: factory)
        }
        self.counters = counters
    }

    func count(_ result: ReobservationResult) {
        counters[result]?.increment()
    }

    func recordQueueLength(_ length: Int) {
        queueLength.record(length)
    }
}
