// SPDX-License-Identifier: Apache-2.0
@testable import BridgeEthereum
@testable import BridgeGossip
@testable import BridgeNode
import CoreMetrics
import MetricsTestKit
import Testing

/// The re-observer's, the gossip endpoint's and the start-up page release's series (checked against docs/observability.md with the
/// others in `MetricsSeriesTests.allRecorded`).
extension MetricsSeriesTests {
    /// The re-observer's counters are made up front, one per result, so the queue gauge and every
    /// result label exist before the first request.
    static func reobservation() throws -> Set<Series> {
        let factory = TestMetrics()
        let metrics = ReobservationMetrics(factory: factory)
        metrics.count(.observed)
        metrics.count(.observed)
        metrics.count(.queueFull)
        metrics.recordQueueLength(7)
        #expect(try factory.expectCounter("bridge_reobservation_total", [("result", "observed")]).totalValue == 2)
        #expect(try factory.expectCounter("bridge_reobservation_total", [("result", "queue_full")]).totalValue == 1)
        #expect(try factory.expectCounter("bridge_reobservation_total", [("result", "rejected")]).totalValue == 0)
        #expect(try factory.expectGauge("bridge_reobservation_queue_length").lastValue == 7)
        return recorded(factory)
    }

    @Test func reobservationSeries() throws {
        // The label values spelled out: a renamed `ReobservationResult` raw value fails here, not only a renamed series.
        let results = [
            "observed", "rejected", "already_stored", "wrong_chain", "duplicate", "cooldown", "queue_full", "deferred",
            "unknown_transaction", "transaction_failed", "not_final", "block_hash_mismatch", "log_not_found",
            "unexpected_log", "malformed_answer", "rpc_error", "endpoints_disagree", "store_error",
        ]
        #expect(ReobservationResult.allCases.count == results.count)
        #expect(try Self.reobservation() == Set(results.map { Series("bridge_reobservation_total", [("result", $0)]) } + [
            Series("bridge_reobservation_queue_length"),
        ]))
    }

    /// The gossip endpoint's counters, each method called with sample labels (its validation-reason
    /// counters are made on first use, like the endpoint does).
    static func gossipEndpoint() throws -> Set<Series> {
        let factory = TestMetrics()
        let metrics = GossipEndpointMetrics(factory: factory)
        metrics.publishedBytes.increment(by: 120)
        metrics.signingErrors.increment()
        metrics.ignored(.replayed).increment()
        metrics.rejected(.badEnvelopeSignature).increment()
        metrics.rejected(.badEnvelopeSignature).increment()
        metrics.dropped(.inbound).increment()
        metrics.dropped(.koinosSignatures).increment(by: 3)
        metrics.dropped(.admin).increment()
        #expect(try factory.expectCounter("bridge_gossip_published_bytes_total").totalValue == 120)
        #expect(try factory.expectCounter("bridge_gossip_rejected_total", [("reason", "bad_envelope_signature")]).totalValue == 2)
        #expect(try factory.expectCounter("bridge_gossip_dropped_total", [("stream", "koinos_signatures")]).totalValue == 3)
        return recorded(factory)
    }

    @Test func gossipEndpointSeries() throws {
        #expect(try Self.gossipEndpoint() == [
            Series("bridge_gossip_published_bytes_total"),
            Series("bridge_gossip_signing_errors_total"),
            Series("bridge_gossip_ignored_total", [("reason", "replayed")]),
            Series("bridge_gossip_rejected_total", [("reason", "bad_envelope_signature")]),
            Series("bridge_gossip_dropped_total", [("stream", "inbound")]),
            Series("bridge_gossip_dropped_total", [("stream", "koinos_signatures")]),
            Series("bridge_gossip_dropped_total", [("stream", "admin")]),
        ])
    }

    /// The start-up page release's gauge, made with its service.
    static func startupPageRelease() throws -> Set<Series> {
        let factory = TestMetrics()
        StartupPageReleaseMetrics(factory: factory).releasedBytes.record(4096)
        #expect(try factory.expectGauge("bridge_memory_startup_code_released_bytes").lastValue == 4096)
        return recorded(factory)
    }

    @Test func startupPageReleaseSeries() throws {
        #expect(try Self.startupPageRelease() == [Series("bridge_memory_startup_code_released_bytes")])
    }
}
