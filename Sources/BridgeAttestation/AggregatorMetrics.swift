// SPDX-License-Identifier: Apache-2.0
import CoreMetrics

/// `bridge_attestation_*` metrics of the aggregator.
struct AggregatorMetrics: Sendable {
    let signed = Counter(label: "bridge_attestation_signed_total")
    let receivedSignatures = Counter(label: "bridge_attestation_received_signatures_total")
    let quorum = Counter(label: "bridge_attestation_quorum_total")
    let expired = Counter(label: "bridge_attestation_expired_total")
    let equivocations = Counter(label: "bridge_attestation_equivocations_total")
    let retries = Counter(label: "bridge_attestation_retries_total")
    let catchUpAttestations = Counter(label: "bridge_attestation_catch_up_total")
    let storeErrors = Counter(label: "bridge_attestation_store_errors_total")
    let signingErrors = Counter(label: "bridge_attestation_signing_errors_total")
    /// Peer signatures handed over unverified that did not recover to their claimed validator (or no verifier).
    let badSignatures = Counter(label: "bridge_attestation_bad_signatures_total")
    let digestMismatches = Counter(label: "bridge_attestation_digest_mismatch_total")
    let pending = Gauge(label: "bridge_attestation_pending")
    /// 1 while this node's key is in the current validator set, 0 while it only observes.
    let member = Gauge(label: "bridge_attestation_validator_member")
}
