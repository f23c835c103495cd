// SPDX-License-Identifier: Apache-2.0
@testable import BridgeAttestation
@testable import BridgeEthereum
@testable import BridgeGossip
@testable import BridgeHTTPAPI
@testable import BridgeKoinos
@testable import BridgeNode
import CoreMetrics
import Foundation
@testable import Libp2pGossipsub
@testable import Libp2pHost
import MetricsTestKit
import Prometheus
import Testing

/// Every stage's `<Stage>Metrics` type, run against a recording factory: the exact series (name,
/// label names and values) it makes, the series list of docs/observability.md, and every series an
/// alert rule of deploy/prometheus-alerts.yml uses.
struct MetricsSeriesTests {
    /// A series as Prometheus sees it: the name and its labels, sorted.
    struct Series: Hashable, CustomStringConvertible {
        let name: String
        let labels: [String]

        init(_ name: String, _ labels: [(String, String)] = []) {
            self.name = name
            self.labels = labels.map { "\($0.0)=\($0.1)" }.sorted()
        }

        var description: String { labels.isEmpty ? name : "\(name){\(labels.joined(separator: ","))}" }
        /// The name with its label *names* (`bridge_http_requests_total{code,route}`), as the docs list it.
        var family: String {
            let keys = labels.map { String($0.prefix { $0 != "=" }) }
            return keys.isEmpty ? name : "\(name){\(keys.joined(separator: ","))}"
        }
    }

    static func recorded(_ metrics: TestMetrics) -> Set<Series> {
        var all = Set<Series>()
        for c in metrics.counters { all.insert(Series(c.label, c.dimensions)) }
        for r in metrics.recorders { all.insert(Series(r.label, r.dimensions)) }
        for t in metrics.timers { all.insert(Series(t.label, t.dimensions)) }
        for m in metrics.meters { all.insert(Series(m.label, m.dimensions)) }
        return all
    }

    // MARK: each stage

    static func koinosSubmitter() throws -> (Set<Series>, TestMetrics) {
        let factory = TestMetrics()
        let metrics = KoinosSubmitterMetrics(factory: factory)
        metrics.submitted()
        metrics.completed(elsewhere: false)
        metrics.completed(elsewhere: true)
        metrics.completed(elsewhere: true)
        metrics.failed(SendAgainReason.completionDropped.metricReason)
        metrics.failed("validator_sync")
        metrics.batched(3)
        metrics.nonceResynced()
        metrics.deferred(2)
        #expect(try factory.expectCounter("bridge_koinos_submissions_total", [("result", "completed_elsewhere")]).totalValue == 2)
        #expect(try factory.expectCounter("bridge_koinos_batched_transfers_total").totalValue == 3)
        #expect(try factory.expectCounter("bridge_koinos_submissions_deferred_total").totalValue == 2)
        return (recorded(factory), factory)
    }

    @Test func koinosSubmitterSeries() throws {
        let (series, _) = try Self.koinosSubmitter()
        #expect(series == [
            Series("bridge_koinos_submissions_total", [("result", "submitted")]),
            Series("bridge_koinos_submissions_total", [("result", "completed")]),
            Series("bridge_koinos_submissions_total", [("result", "completed_elsewhere")]),
            Series("bridge_koinos_failures_total", [("reason", SendAgainReason.completionDropped.metricReason)]),
            Series("bridge_koinos_failures_total", [("reason", "validator_sync")]),
            Series("bridge_koinos_batched_transfers_total"),
            Series("bridge_koinos_nonce_resyncs_total"),
            Series("bridge_koinos_submissions_deferred_total"),
        ])
    }

    static func koinosWatcher() -> Set<Series> {
        let factory = TestMetrics()
        let metrics = KoinosWatcherMetrics(factory: factory)
        metrics.endpointSwitched()
        metrics.endpointSetAside(0)
        metrics.endpointSetAside(2)
        metrics.endpointsDisagreed()
        for result in ["completed", "already_settled", "unknown", "malformed"] { metrics.completionEvent(result) }
        let exchange = KoinosSignatureExchangeMetrics(factory: factory)
        exchange.dropped(.otherDigest, count: 2)
        exchange.dropped(.refused, count: 0)
        let sync = ValidatorSetSyncMetrics(factory: factory)
        sync.validators.record(3)
        return recorded(factory)
    }

    @Test func koinosWatcherExchangeAndSyncSeries() {
        let refusals = ValidatorSetRefusal.allCases.map { Series("bridge_koinos_validator_set_refused_total", [("reason", $0.rawValue)]) }
        #expect(Self.koinosWatcher() == Set([
            Series("bridge_koinos_endpoint_switches_total"),
            Series("bridge_koinos_endpoint_faults_total", [("endpoint", "0")]),
            Series("bridge_koinos_endpoint_faults_total", [("endpoint", "2")]),
            Series("bridge_koinos_endpoint_disagreements_total"),
            Series("bridge_koinos_completion_events_total", [("result", "completed")]),
            Series("bridge_koinos_completion_events_total", [("result", "already_settled")]),
            Series("bridge_koinos_completion_events_total", [("result", "unknown")]),
            Series("bridge_koinos_completion_events_total", [("result", "malformed")]),
            Series("bridge_koinos_signatures_dropped_total", [("reason", "other_digest")]),
            Series("bridge_koinos_signatures_dropped_total", [("reason", "refused")]),
            Series("bridge_koinos_validators"),
        ] + refusals))
    }

    @Test func signaturesDroppedCountsOnlyWhatWasDropped() throws {
        let factory = TestMetrics()
        let exchange = KoinosSignatureExchangeMetrics(factory: factory)
        exchange.dropped(.otherDigest, count: 2)
        exchange.dropped(.refused, count: 0)
        #expect(try factory.expectCounter("bridge_koinos_signatures_dropped_total", [("reason", "other_digest")]).totalValue == 2)
        #expect(try factory.expectCounter("bridge_koinos_signatures_dropped_total", [("reason", "refused")]).totalValue == 0)
    }

    static func ethereumSender() -> Set<Series> {
        let factory = TestMetrics()
        let metrics = EthereumSenderMetrics(factory: factory)
        metrics.transactionSent()
        metrics.completed()
        metrics.bumped()
        metrics.nonceResynced()
        for reason in ["reverted", "bump_refused", "validator_sync"] { metrics.failed(reason) }
        return recorded(factory)
    }

    @Test func ethereumSenderSeries() {
        #expect(Self.ethereumSender() == [
            Series("bridge_ethereum_sender_transactions_total"),
            Series("bridge_ethereum_sender_completed_total"),
            Series("bridge_ethereum_sender_bumps_total"),
            Series("bridge_ethereum_sender_nonce_resyncs_total"),
            Series("bridge_ethereum_sender_failures_total", [("reason", "reverted")]),
            Series("bridge_ethereum_sender_failures_total", [("reason", "bump_refused")]),
            Series("bridge_ethereum_sender_failures_total", [("reason", "validator_sync")]),
        ])
    }

    /// Every series of the Ethereum watcher and its endpoint pool, each method called with sample labels.
    static func ethereumWatcher() throws -> Set<Series> {
        let factory = TestMetrics()
        let metrics = WatcherMetrics(factory: factory)
        for counter in [metrics.blocksScanned, metrics.logsSeen, metrics.validObservations, metrics.rejectedObservations,
                        metrics.duplicateObservations, metrics.rangeRefusals, metrics.endpointSwitches, metrics.disagreements,
                        metrics.scanErrors, metrics.reorgedAfterFinality, metrics.streamDrops] { counter.increment() }
        metrics.blocksScanned.increment(by: 4)
        metrics.cursorBlock.record(120)
        metrics.finalBlock.record(125)
        metrics.windowBlocks.record(5)
        metrics.scanSeconds.recordMilliseconds(3)
        metrics.rejected(.duplicateTransactionLock).increment()
        metrics.dropped(.receiptMissing).increment()
        metrics.bridgeEvent("transfer_completed", outcome: "applied").increment()
        metrics.readAheadDiscarded("reorg").increment()
        metrics.rpcErrors(endpoint: 1, kind: "transport").increment()
        #expect(try factory.expectCounter("bridge_eth_blocks_scanned_total").totalValue == 5)
        #expect(try factory.expectGauge("bridge_eth_cursor_block").lastValue == 120)
        #expect(try factory.expectCounter("bridge_eth_observations_total", [("status", "rejected")]).totalValue == 1)
        return recorded(factory)
    }

    @Test func ethereumWatcherSeries() throws {
        #expect(try Self.ethereumWatcher() == [
            Series("bridge_eth_blocks_scanned_total"),
            Series("bridge_eth_logs_total"),
            Series("bridge_eth_observations_total", [("status", "valid")]),
            Series("bridge_eth_observations_total", [("status", "rejected")]),
            Series("bridge_eth_duplicate_observations_total"),
            Series("bridge_eth_log_range_refusals_total"),
            Series("bridge_eth_endpoint_switches_total"),
            Series("bridge_eth_endpoint_disagreements_total"),
            Series("bridge_eth_scan_errors_total"),
            Series("bridge_eth_reorged_after_finality_total"),
            Series("bridge_eth_dropped_total", [("stream", "observations")]),
            Series("bridge_eth_cursor_block"),
            Series("bridge_eth_final_block"),
            Series("bridge_eth_window_blocks"),
            Series("bridge_eth_range_scan_seconds"),
            Series("bridge_eth_rejected_total", [("reason", "duplicate_transaction_lock")]),
            Series("bridge_eth_orphaned_total", [("reason", "receipt_missing")]),
            Series("bridge_eth_bridge_events_total", [("event", "transfer_completed"), ("outcome", "applied")]),
            Series("bridge_eth_read_ahead_discarded_total", [("reason", "reorg")]),
            Series("bridge_eth_rpc_errors_total", [("endpoint", "1"), ("kind", "transport")]),
        ])
    }

    /// Two watchers on two factories count apart: nothing is process-wide any more.
    @Test func ethereumWatcherMetricsAreTheFactorysOwn() throws {
        let first = TestMetrics()
        let second = TestMetrics()
        WatcherMetrics(factory: first).scanErrors.increment()
        _ = WatcherMetrics(factory: second)
        #expect(try first.expectCounter("bridge_eth_scan_errors_total").totalValue == 1)
        #expect(try second.expectCounter("bridge_eth_scan_errors_total").totalValue == 0)
    }

    static func aggregator() throws -> Set<Series> {
        let factory = TestMetrics()
        let metrics = AggregatorMetrics(factory: factory)
        metrics.governor(GovernorReading(token: [0xAB, 0x01], used: 150, dailyLimit: 1_000, queued: 2))
        #expect(try factory.expectGauge("bridge_governor_used", [("token", "0xab01")]).lastValue == 150)
        #expect(try factory.expectGauge("bridge_governor_limit", [("token", "0xab01")]).lastValue == 1_000)
        #expect(try factory.expectGauge("bridge_governor_queued", [("token", "0xab01")]).lastValue == 2)
        return recorded(factory)
    }

    @Test func aggregatorAndGovernorSeries() throws {
        let fixed = [
            "bridge_attestation_signed_total", "bridge_attestation_received_signatures_total", "bridge_attestation_quorum_total",
            "bridge_attestation_expired_total", "bridge_attestation_equivocations_total", "bridge_attestation_retries_total",
            "bridge_attestation_catch_up_total", "bridge_attestation_store_errors_total", "bridge_attestation_signing_errors_total",
            "bridge_attestation_bad_signatures_total", "bridge_attestation_digest_mismatch_total", "bridge_attestation_pending",
            "bridge_attestation_validator_member",
        ].map { Series($0) }
        #expect(try Self.aggregator() == Set(fixed + [
            Series("bridge_governor_used", [("token", "0xab01")]),
            Series("bridge_governor_limit", [("token", "0xab01")]),
            Series("bridge_governor_queued", [("token", "0xab01")]),
        ]))
    }

    static func http() throws -> Set<Series> {
        let factory = TestMetrics()
        let metrics = HTTPMetrics(factory: factory)
        metrics.record(route: HTTPMetrics.route(for: "/v1/attestations/abc"), status: 200, nanoseconds: 1_000)
        metrics.record(route: HTTPMetrics.route(for: "/v1/attestations/abc"), status: 404, nanoseconds: 1_000)
        metrics.record(route: HTTPMetrics.route(for: "/no/such/route"), status: 503, nanoseconds: 1_000)
        metrics.requestRejected()
        #expect(try factory.expectCounter("bridge_http_requests_total", [("route", "/v1/attestations/{id}"), ("code", "2xx")]).totalValue == 1)
        #expect(try factory.expectTimer("bridge_http_request_duration_seconds", [("route", "/v1/attestations/{id}")]).values.count == 2)
        return recorded(factory)
    }

    @Test func httpSeries() throws {
        #expect(try Self.http() == [
            Series("bridge_http_requests_total", [("route", "/v1/attestations/{id}"), ("code", "2xx")]),
            Series("bridge_http_requests_total", [("route", "/v1/attestations/{id}"), ("code", "4xx")]),
            Series("bridge_http_requests_total", [("route", "other"), ("code", "5xx")]),
            Series("bridge_http_request_duration_seconds", [("route", "/v1/attestations/{id}")]),
            Series("bridge_http_request_duration_seconds", [("route", "other")]),
            Series("bridge_http_rejected_total"),
        ])
    }

    static func libp2pHost() throws -> Set<Series> {
        let factory = TestMetrics()
        let metrics = Libp2pHostMetrics(factory: factory)
        metrics.connectionCount(4)
        metrics.handshakeFailed()
        metrics.connectionRefused()
        metrics.connectionClosedByLimits()
        metrics.inboundStreamOpened()
        metrics.protocolRefused()
        #expect(try factory.expectGauge("bridge_p2p_connections").lastValue == 4)
        return recorded(factory)
    }

    @Test func libp2pHostSeries() throws {
        #expect(try Self.libp2pHost() == [
            Series("bridge_p2p_connections"), Series("bridge_p2p_handshake_failures_total"), Series("bridge_p2p_protocol_refused_total"),
            Series("bridge_p2p_inbound_streams_total"), Series("bridge_p2p_connections_refused_total"),
            Series("bridge_p2p_connections_closed_by_limits_total"),
        ])
    }

    static func adminProposals() -> Set<Series> {
        let factory = TestMetrics()
        let metrics = AdminProposalMetrics(factory: factory)
        metrics.refused(.digestMismatch)
        metrics.ready()
        metrics.expired(2)
        metrics.stale(1)
        metrics.storeFailed()
        return recorded(factory)
    }

    @Test func adminProposalSeries() {
        let refusals = AdminProposalRefusal.allCases.map { Series("bridge_admin_proposals_refused_total", [("reason", $0.rawValue)]) }
        #expect(Self.adminProposals() == Set(refusals + [
            Series("bridge_admin_proposals_ready_total"), Series("bridge_admin_proposals_expired_total"),
            Series("bridge_admin_proposals_stale_total"), Series("bridge_admin_store_errors_total"),
        ]))
    }

    static func gossipsub() -> Set<Series> {
        let factory = TestMetrics()
        var metrics = GossipsubMetrics(factory: factory)
        metrics.prepare(topic: "plugin.bridge")
        metrics.validation(.accept, topic: "plugin.bridge")
        metrics.validation(.ignore, topic: "not.prepared")  // no series for a topic never registered
        metrics.peers.record(2)
        return recorded(factory)
    }

    @Test func gossipsubSeries() {
        let topic = "plugin.bridge"
        let drops = GossipsubRouter.DropReason.allCases.map { Series("bridge_p2p_gossip_dropped_total", [("reason", $0.rawValue)]) }
        #expect(Self.gossipsub() == Set(drops + [
            Series("bridge_p2p_gossip_peers"),
            Series("bridge_p2p_gossip_rpcs_total", [("direction", "in")]), Series("bridge_p2p_gossip_rpcs_total", [("direction", "out")]),
            Series("bridge_p2p_gossip_malformed_rpcs_total"), Series("bridge_p2p_gossip_duplicate_inbound_streams_total"),
            Series("bridge_p2p_gossip_disconnects_total", [("reason", "low_score")]),
            Series("bridge_p2p_gossip_dropped_total", [("reason", "outbound_queue_full")]),
            Series("bridge_p2p_gossip_dropped_total", [("reason", "subscriber_buffer_full")]),
            Series("bridge_p2p_gossip_messages_total", [("topic", topic), ("direction", "out")]),
            Series("bridge_p2p_gossip_messages_total", [("topic", topic), ("direction", "in")]),
            Series("bridge_p2p_gossip_validations_total", [("topic", topic), ("reason", "accept")]),
            Series("bridge_p2p_gossip_validations_total", [("topic", topic), ("reason", "reject")]),
            Series("bridge_p2p_gossip_validations_total", [("topic", topic), ("reason", "ignore")]),
        ]))
    }

    /// Every type, made twice (as the node makes `KoinosWatcherMetrics` for the watcher and its pool), on
    /// the backend the node bootstraps: Prometheus refuses a name made again with other label names or
    /// another type, so this shows the series fit together in one registry.
    @Test func oneRegistryTakesEverySeries() throws {
        let registry = PrometheusCollectorRegistry()
        let factory = PrometheusMetricsFactory(registry: registry)
        for _ in 0..<2 {
            let submitter = KoinosSubmitterMetrics(factory: factory)
            submitter.submitted()
            submitter.completed(elsewhere: true)
            submitter.failed("validator_sync")
            submitter.batched(2)
            submitter.nonceResynced()
            submitter.deferred(1)
            let watcher = KoinosWatcherMetrics(factory: factory)
            watcher.endpointSwitched()
            watcher.endpointSetAside(1)
            watcher.endpointsDisagreed()
            watcher.completionEvent("completed")
            KoinosSignatureExchangeMetrics(factory: factory).dropped(.refused, count: 1)
            ValidatorSetSyncMetrics(factory: factory).refused(.pinMismatch)
            let sender = EthereumSenderMetrics(factory: factory)
            sender.transactionSent()
            sender.completed()
            sender.bumped()
            sender.nonceResynced()
            sender.failed("rpc")
            let ethWatcher = WatcherMetrics(factory: factory)
            ethWatcher.scanErrors.increment()
            ethWatcher.rejected(.duplicateTransactionLock).increment()
            ethWatcher.rpcErrors(endpoint: 0, kind: "transport").increment()
            ethWatcher.cursorBlock.record(7)
            ethWatcher.scanSeconds.recordMilliseconds(2)
            ethWatcher.dropped(.receiptMissing).increment()
            ethWatcher.bridgeEvent("transfer_completed", outcome: "applied").increment()
            ethWatcher.readAheadDiscarded("reorg").increment()
            let reobservation = ReobservationMetrics(factory: factory)
            reobservation.count(.observed)
            reobservation.recordQueueLength(3)
            let gossipEndpoint = GossipEndpointMetrics(factory: factory)
            gossipEndpoint.publishedBytes.increment(by: 10)
            gossipEndpoint.signingErrors.increment()
            gossipEndpoint.ignored(.replayed).increment()
            gossipEndpoint.rejected(.malformed).increment()
            gossipEndpoint.dropped(.admin).increment()
            AggregatorMetrics(factory: factory).governor(GovernorReading(token: [1], used: 5, dailyLimit: 10, queued: 1))
            let admin = AdminProposalMetrics(factory: factory)
            admin.ready()
            admin.storeFailed()
            let http = HTTPMetrics(factory: factory)
            http.record(route: "/v1/status", status: 200, nanoseconds: 5_000)
            http.requestRejected()
            let host = Libp2pHostMetrics(factory: factory)
            host.connectionCount(1)
            host.handshakeFailed()
            var gossip = GossipsubMetrics(factory: factory)
            gossip.prepare(topic: "plugin.bridge")
            gossip.validation(.reject, topic: "plugin.bridge")
            StartupPageReleaseMetrics(factory: factory).releasedBytes.record(4096)
        }
        let text = String(decoding: registry.emitToBuffer(), as: UTF8.self)
        for name in Set(try Self.allRecorded().map(\.name)) {
            #expect(text.contains("# TYPE \(name) "), "\(name) is not in the Prometheus exposition")
        }
        #expect(text.contains("bridge_koinos_submissions_total{result=\"completed_elsewhere\"} 2"))
        #expect(text.contains("bridge_koinos_endpoint_faults_total{endpoint=\"1\"} 2"))
        #expect(text.contains("bridge_governor_used{token=\"0x01\"} 5"))
        #expect(text.contains("bridge_eth_rejected_total{reason=\"duplicate_transaction_lock\"} 2"))
        #expect(text.contains("bridge_reobservation_total{result=\"observed\"} 2"))
        #expect(text.contains("bridge_gossip_dropped_total{stream=\"admin\"} 2"))
    }

    // MARK: against the docs and the alert rules

    static func allRecorded() throws -> Set<Series> {
        try koinosSubmitter().0.union(koinosWatcher()).union(ethereumSender()).union(aggregator()).union(http()).union(libp2pHost())
            .union(adminProposals()).union(gossipsub()).union(ethereumWatcher()).union(reobservation()).union(gossipEndpoint()).union(startupPageRelease())
    }

    /// The `bridge_…{label,…}` entries of the types marked ✓ (run here) in docs/observability.md's "Series" section.
    static func documentedFamilies() throws -> Set<String> {
        let text = try String(contentsOf: DeployFilesTests.root.appendingPathComponent("docs/observability.md"), encoding: .utf8)
        let section = try #require(text.firstRange(of: "\n### Series\n")).upperBound
        let end = text[section...].firstRange(of: "\n#")?.lowerBound ?? text.endIndex
        let checked = text[section..<end].split(separator: "\n- ").filter { $0.hasPrefix("✓ ") }
        #expect(checked.count == 14, "one ✓ line per metrics type run here")
        var families = Set<String>()
        for match in checked.joined(separator: "\n").matches(of: /`(bridge_[a-z0-9_]+)(\{([a-z_,]+)\})?`/) {
            let keys = match.3.map { $0.split(separator: ",").map(String.init).sorted() } ?? []
            families.insert(keys.isEmpty ? String(match.1) : "\(match.1){\(keys.joined(separator: ","))}")
        }
        return families
    }

    @Test func theDocsListExactlyTheseSeries() throws {
        let recorded = Set(try Self.allRecorded().map(\.family))
        let documented = try Self.documentedFamilies()
        #expect(recorded.subtracting(documented).isEmpty, "made but not in docs/observability.md: \(recorded.subtracting(documented).sorted())")
        #expect(documented.subtracting(recorded).isEmpty, "in docs/observability.md but not made: \(documented.subtracting(recorded).sorted())")
    }

    @Test func everyAlertRuleSeriesIsStillMade() throws {
        let names = Set(try Self.allRecorded().map(\.name))
        let (alerts, prefixes) = try DeployFilesTests.referencedNames("deploy/prometheus-alerts.yml")
        #expect(prefixes.isEmpty)
        #expect(alerts.count >= 13, "the alert rules use the governor, Koinos, attestation, HTTP and Ethereum watcher series")
        #expect(alerts.contains("bridge_eth_cursor_block"), "the watcher's series are checked here too")
        for name in alerts { #expect(names.contains(name), "deploy/prometheus-alerts.yml uses \(name), which no metrics type makes") }
    }
}
