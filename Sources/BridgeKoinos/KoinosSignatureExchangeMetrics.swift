// SPDX-License-Identifier: Apache-2.0
import CoreMetrics

/// The Koinos → Ethereum signature exchange's `bridge_koinos_signatures_dropped_total{reason}`:
/// a peer's signature of a lock this node knows with another digest (`other_digest`), or one the
/// signer refused (`refused`).
struct KoinosSignatureExchangeMetrics: Sendable {
    enum DropReason: String, Sendable, CaseIterable {
        case otherDigest = "other_digest"
        case refused
    }

    private let drops: [DropReason: Counter]

    init(factory: any MetricsFactory = MetricsSystem.factory) {
        var drops: [DropReason: Counter] = [:]
        for reason in DropReason.allCases {
            drops[reason] = Counter(label: "bridge_koinos_signatures_dropped_total", dimensions: [("reason", reason.rawValue)], factory: factory)
        }
        self.drops = drops
    }

    /// `count` received signatures were dropped for `reason` (nothing is counted for 0).
    func dropped(_ reason: DropReason, count: Int) {
        guard count > 0 else { return }
        drops[reason]?.increment(by: count)
    }
}
