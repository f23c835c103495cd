// SPDX-License-Identifier: Apache-2.0
public import BridgeStore
import Foundation
public import Hummingbird
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
    /// Unix milliseconds (injected for tests).
    public var clock: @Sendable () -> UInt64
    let recovery = SignatureRecoveryCache()
    /// Rendered `/v1/attestations/{id}` bodies, valid while the store's generation is unchanged.
    let renderedAttestations: RenderedResponseCache
    let httpMetrics = HTTPMetrics()
    let startedAtMs: UInt64

    /// - Parameters:
    ///   - store: the read port (a `BridgeDatabase`).
    ///   - node: static facts about this node.
    ///   - validators: the configured fallback validator list.
    ///   - peers: the libp2p peer table.
    ///   - readiness: conditions that must all hold for `/readyz` to answer 200.
    ///   - metricsExposition: renders the Prometheus registry.
    ///   - clock: Unix milliseconds.
    ///   - responseCacheCapacity: attestation detail bodies kept rendered (0 renders every request).
    public init(
        store: any BridgeReadStore, node: NodeDescription, validators: [ConfiguredValidator], peers: any PeerDirectory,
        readiness: [ReadinessCheck] = [], metricsExposition: (@Sendable () -> [UInt8])? = nil,
        clock: @escaping @Sendable () -> UInt64 = { UInt64(Date().timeIntervalSince1970 * 1000) },
        responseCacheCapacity: Int = 4096
    ) {
        self.store = store
        self.node = node
        self.validators = validators
        self.peers = peers
        self.readiness = readiness
        self.metricsExposition = metricsExposition
        self.clock = clock
        self.startedAtMs = clock()
        self.renderedAttestations = RenderedResponseCache(capacity: responseCacheCapacity)
    }

    /// Every route, behind the error, CORS and metrics middleware.
    public func buildRouter(logger: Logger) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.middlewares.add(HTTPMetricsMiddleware(metrics: httpMetrics))
        router.middlewares.add(CORSMiddleware(allowOrigin: .all, allowHeaders: [.accept, .contentType, .origin], allowMethods: [.get, .head, .options]))
        router.middlewares.add(APIErrorMiddleware(logger: logger))
        AttestationRoutes(api: self).register(on: router)
        NodeRoutes(api: self).register(on: router)
        LegacyTransactionRoutes(api: self).register(on: router)
        HomePage(api: self).register(on: router)
        return router
    }

    /// The HTTP server as a `Service` listening on `host:port` (port 0 picks a free port).
    public func buildApplication(
        host: String, port: Int, logger: Logger,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: buildRouter(logger: logger),
            configuration: .init(address: .hostname(host, port: port), serverName: "bridge-relay"),
            onServerRunning: onServerRunning,
            logger: logger)
    }
}
