// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
public import BridgeStore
public import Foundation
public import Hummingbird
public import HummingbirdCore
public import Logging
public import NIOCore

/// The node's read-only HTTP inspection API: everything it needs, and the router it builds.
///
/// ```swift
/// let api = InspectionAPI(store: database, node: description, validators: configured, peers: directory)
/// let app = api.buildApplication(host: "127.0.0.1", port: 8080, logger: logger)
/// // app is a Service: put it last in the node's ServiceGroup so it stops taking requests first.
/// ```
public struct InspectionAPI: Sendable {
    public var store: any BridgeReadStore
    public var node: NodeDescription
    public var validators: [ConfiguredValidator]
    public var peers: any PeerDirectory
    public var readiness: [ReadinessCheck]
    /// Prometheus text exposition of the node's registry (`/metrics`); nil answers 404.
    public var metricsExposition: (@Sendable () -> [UInt8])?
    /// The outflow governor's limits (`/v1/governor`; empty: no governor).
    public var governor = GovernorPolicy(tokens: [:])
    /// Unix milliseconds: `SystemBridgeClock` unless a test injects its own.
    public var clock: @Sendable () -> UInt64
    /// How the operator's page (`/`) reads and judges what it shows.
    public var page = PageSettings()
    /// Symbols and decimals of the bridged tokens, for the page's amounts (read on every render;
    /// must answer at once from memory).
    public var tokens: @Sendable () -> [TokenDisplay] = { [] }
    /// The chains' heads for the page's header (must answer from memory, never wait on a chain).
    public var chainHeads: @Sendable () async -> ChainHeads = { ChainHeads() }
    /// The validator set in force (Koinos addresses, from the contract); nil: the configured list.
    public var currentValidatorSet: (@Sendable () async -> [String])?
    /// Addresses the detail's stored signatures recover to (deterministic, so never stale).
    let recovery: SignatureRecoveryCache
    /// Rendered `/v1/attestations/{id}` bodies, valid while the store's generation is unchanged.
    let renderedAttestations: RenderedResponseCache
    /// Rendered `/v1/attestations` pages by query string, valid while the store is unchanged.
    let renderedAttestationLists: RenderedResponseCache
    let httpMetrics = HTTPMetrics()
    let startedAtMs: UInt64
    /// Requests answered at once (past it they wait in a bounded line, then get 503).
    let requestGate: AdmissionGate
    let limits: InspectionLimits

    /// - Parameters:
    ///   - store: the read port (a `BridgeDatabase`).
    ///   - node: static facts about this node.
    ///   - validators: the configured fallback validator list.
    ///   - peers: the libp2p peer table.
    ///   - readiness: conditions that must all hold for `/readyz` to answer 200.
    ///   - metricsExposition: renders the Prometheus registry.
    ///   - clock: Unix milliseconds; by default the one wall clock, `SystemBridgeClock` (tests pass a fixed time).
    ///   - responseCacheCapacity: attestation detail bodies kept rendered (0 renders every request);
    ///     list pages get at most 256.
    ///   - limits: concurrency, queue and timeout bounds of the API.
    ///   - recoveryCacheCapacity: signature recoveries remembered (0 recovers on every render: the
    ///     benchmark's first-view figure).
    public init(
        store: any BridgeReadStore, node: NodeDescription, validators: [ConfiguredValidator], peers: any PeerDirectory,
        readiness: [ReadinessCheck] = [], metricsExposition: (@Sendable () -> [UInt8])? = nil,
        clock: @escaping @Sendable () -> UInt64 = { SystemBridgeClock().nowMilliseconds },
        responseCacheCapacity: Int = 4096, limits: InspectionLimits = .init(), recoveryCacheCapacity: Int = 8192
    ) {
        self.recovery = SignatureRecoveryCache(capacity: recoveryCacheCapacity)
        self.store = GatedReadStore(store, permits: limits.storeReads)
        self.limits = limits
        self.requestGate = AdmissionGate(permits: limits.concurrentRequests, queueLimit: limits.queuedRequests)
        self.node = node
        self.validators = validators
        self.peers = peers
        self.readiness = readiness
        self.metricsExposition = metricsExposition
        self.clock = clock
        self.startedAtMs = clock()
        self.renderedAttestations = RenderedResponseCache(capacity: responseCacheCapacity)
        self.renderedAttestationLists = RenderedResponseCache(capacity: min(responseCacheCapacity, 256))
    }

    /// Every route, behind the error, CORS and metrics middleware.
    public func buildRouter(logger: Logger) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self, options: .autoGenerateHeadEndpoints)
        router.middlewares.add(HTTPMetricsMiddleware(metrics: httpMetrics))
        router.middlewares.add(AdmissionMiddleware(gate: requestGate, metrics: httpMetrics))
        router.middlewares.add(CORSMiddleware(allowOrigin: .all, allowHeaders: [.accept, .contentType, .origin], allowMethods: [.get, .head, .options]))
        router.middlewares.add(APIErrorMiddleware(logger: logger))
        AttestationRoutes(api: self).register(on: router)
        GovernorRoutes(api: self).register(on: router)
        AdminProposalRoutes(api: self).register(on: router)
        NodeRoutes(api: self).register(on: router)
        LegacyTransactionRoutes(api: self).register(on: router)
        KoinosTransactionRoute(api: self).register(on: router)
        OperatorPage(api: self).register(on: router)
        return router
    }

    /// The HTTP server as a `Service` listening on `host:port` (port 0 picks a free port).
    public func buildApplication(
        host: String, port: Int, logger: Logger,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: buildRouter(logger: logger),
            server: Self.httpServer(limits: limits),
            configuration: .init(address: .hostname(host, port: port), serverName: "bridge-relay"),
            onServerRunning: onServerRunning,
            logger: logger)
    }
}

extension InspectionAPI {
    /// The node's HTTP/1 server: connection guard (header and body timeouts), header limits, no
    /// idle timeout, handlers on the cooperative pool (Hummingbird's default). Public so that the
    /// benchmark serves its routes through the same server; `handlersOnEventLoop` runs each
    /// connection's handlers on its event loop instead (`EventLoopHTTP1Channel`), which the
    /// benchmark compares in the same run. Not the node's choice: it saved no CPU on the uncached
    /// detail (0.96-1.09x of the pool's; hello-world 0.75-1.00x), and the event loops are shared
    /// with libp2p, which an API under load would then slow.
    public static func httpServer(limits: InspectionLimits, handlersOnEventLoop: Bool = false) -> HTTPServerBuilder {
        let channel = HTTP1Channel.Configuration(
            additionalChannelHandlers: [
                HTTPConnectionGuard(headerTimeout: .milliseconds(limits.headerTimeoutMs), bodyTimeout: .milliseconds(limits.bodyTimeoutMs))
            ],
            idleTimeout: nil,
            httpDecoderConfiguration: .init(maxHeaderFieldSize: limits.maxHeaderBytes, maxHeaderListSize: limits.maxHeaderBytes, maxHeaderFieldCount: 100))
        guard handlersOnEventLoop else { return .http1(configuration: channel) }
        return HTTPServerBuilder { responder in EventLoopHTTP1Channel(base: HTTP1Channel(responder: responder, configuration: channel)) }
    }
}

/// The API's bounds: it slows down under load but never takes the node's threads or readers.
public struct InspectionLimits: Sendable {
    /// Requests worked on at once.
    public var concurrentRequests = 8
    /// Requests waiting for a slot; past this they get `503` with `Retry-After: 1`.
    public var queuedRequests = 512
    /// Store reads of the API at once (the database has 5 readers; the rest stay for the node).
    public var storeReads = 2
    /// A request head must arrive within this of the connection opening or the last response.
    public var headerTimeoutMs: Int64 = 10_000
    /// A request body must arrive within this of its head.
    public var bodyTimeoutMs: Int64 = 10_000
    /// Request line + headers larger than this get `400`.
    public var maxHeaderBytes = 64 * 1024

    public init() {}
}
