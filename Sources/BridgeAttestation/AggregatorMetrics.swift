// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import CoreMetrics

/// `bridge_attestation_*` metrics of the aggregator, and the outflow governor's `bridge_governor_*`
/// gauges (labelled by a configured token, hex), made once with it.
struct AggregatorMetrics: Sendable {
    let signed: Counter
    let receivedSignatures: Counter
    let quorum: Counter
    let expired: Counter
    let equivocations: Counter
    let retries: Counter
    let catchUpAttestations: Counter
    let storeErrors: Counter
    let signingErrors: Counter
    /// Peer signatures handed over unverified that did not recover to their claimed validator (or no verifier).
    let badSignatures: Counter
    let digestMismatches: Counter
    let pending: Gauge
    /// 1 while this node's key is in the current validator set, 0 while it only observes.
    let member: Gauge
    private let factory: any MetricsFactory

    init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
        signed = Counter(label: "bridge_attestation_signed_total", factory: factory)
        receivedSignatures = Counter(label: "bridge_attestation_received_signatures_total", factory: factory)
        quorum = Counter(label: "bridge_attestation_quorum_total", factory: factory)
        expired = Counter(label: "bridge_attestation_expired_total", factory: factory)
        equivocations = Counter(label: "bridge_attestation_equivocations_total", factory: factory)
        retries = Counter(label: "bridge_attestation_retries_total", factory: factory)
        catchUpAttestations = Counter(label: "bridge_attestation_catch_up_total", factory: factory)
        storeErrors = Counter(label: "bridge_attestation_store_errors_total", factory: factory)
        signingErrors = Counter(label: "bridge_attestation_signing_errors_total", factory: factory)
        badSignatures = Counter(label: "bridge_attestation_bad_signatures_total", factory: factory)
        digestMismatches = Counter(label: "bridge_attestation_digest_mismatch_total", factory: factory)
        pending = Gauge(label: "bridge_attestation_pending", factory: factory)
        member = Gauge(label: "bridge_attestation_validator_member", factory: factory)
    }

    /// One governed token's state now: `bridge_governor_used{token}` (counted in the window ending
    /// now), `bridge_governor_limit{token}` (the daily limit), `bridge_governor_queued{token}` (held).
    func governor(_ reading: GovernorReading) {
        let token = [("token", Hex.encode(reading.token))]
        Gauge(label: "bridge_governor_used", dimensions: token, factory: factory).record(Double(reading.used))
        Gauge(label: "bridge_governor_limit", dimensions: token, factory: factory).record(Double(reading.dailyLimit))
        Gauge(label: "bridge_governor_queued", dimensions: token, factory: factory).record(reading.queued)
    }
}
