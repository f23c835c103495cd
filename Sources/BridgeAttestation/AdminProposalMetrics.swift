// SPDX-License-Identifier: Apache-2.0
import CoreMetrics

/// The admin proposal service's `bridge_admin_*` metrics, made once with it. The one label is a
/// fixed refusal reason (`AdminProposalRefusal`).
struct AdminProposalMetrics: Sendable {
    private let refusals: [AdminProposalRefusal: Counter]
    private let readyProposals: Counter
    private let expiredProposals: Counter
    private let staleProposals: Counter
    private let storeErrors: Counter

    init(factory: any MetricsFactory = MetricsSystem.factory) {
        var refusals: [AdminProposalRefusal: Counter] = [:]
        for reason in AdminProposalRefusal.allCases {
            refusals[reason] = Counter(label: "bridge_admin_proposals_refused_total", dimensions: [("reason", reason.rawValue)], factory: factory)
        }
        self.refusals = refusals
        readyProposals = Counter(label: "bridge_admin_proposals_ready_total", factory: factory)
        expiredProposals = Counter(label: "bridge_admin_proposals_expired_total", factory: factory)
        staleProposals = Counter(label: "bridge_admin_proposals_stale_total", factory: factory)
        storeErrors = Counter(label: "bridge_admin_store_errors_total", factory: factory)
    }

    /// A proposal or an approval was refused for `reason`.
    func refused(_ reason: AdminProposalRefusal) { refusals[reason]?.increment() }

    /// A proposal reached quorum.
    func ready() { readyProposals.increment() }

    /// `count` proposals expired and were deleted.
    func expired(_ count: Int) { expiredProposals.increment(by: count) }

    /// `count` proposals were dropped: the contract's nonce moved past them.
    func stale(_ count: Int) { staleProposals.increment(by: count) }

    /// A store write of the service failed.
    func storeFailed() { storeErrors.increment() }
}
