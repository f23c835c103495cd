// SPDX-License-Identifier: Apache-2.0
import CoreMetrics

/// The Ethereum sender's `bridge_ethereum_sender_*` metrics, made once with it. The one label,
/// `reason` of `bridge_ethereum_sender_failures_total`, is a fixed failure kind (`validator_sync`,
/// `bump_refused`, or the failure's own kind), never an error text.
struct EthereumSenderMetrics: Sendable {
    private let factory: any MetricsFactory
    private let transactions: Counter
    private let completions: Counter
    private let bumps: Counter
    private let nonceResyncs: Counter

    init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
        transactions = Counter(label: "bridge_ethereum_sender_transactions_total", factory: factory)
        completions = Counter(label: "bridge_ethereum_sender_completed_total", factory: factory)
        bumps = Counter(label: "bridge_ethereum_sender_bumps_total", factory: factory)
        nonceResyncs = Counter(label: "bridge_ethereum_sender_nonce_resyncs_total", factory: factory)
    }

    /// A `completeTransfer` transaction was sent.
    func transactionSent() { transactions.increment() }

    /// A `completeTransfer` transaction of ours became final.
    func completed() { completions.increment() }

    /// A stuck transaction was replaced with higher fees.
    func bumped() { bumps.increment() }

    /// The local nonce conflicted and was read again from the node.
    func nonceResynced() { nonceResyncs.increment() }

    /// A pass or an attempt failed for `reason`.
    func failed(_ reason: String) {
        Counter(label: "bridge_ethereum_sender_failures_total", dimensions: [("reason", reason)], factory: factory).increment()
    }
}
