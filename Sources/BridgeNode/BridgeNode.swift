// SPDX-License-Identifier: Apache-2.0
import BridgeCore
public import BridgeHTTPAPI
public import BridgeStore
import BridgeEthereum
import BridgeKoinos
import ChainCrypto
import Foundation
import Multiformats
import NIOCore
public import Logging
public import ServiceLifecycle
public import UnixSignals

/// The composition root: turns a validated configuration into one `ServiceGroup`.
///
/// It bootstraps nothing (logging and metrics backends belong to the executable); it only builds
/// components and orders them. Start order is dependency order and graceful shutdown runs in
/// reverse: signal escalation → store → p2p host → aggregator → Koinos submitter → Ethereum
/// watcher → Ethereum re-observer → HTTP API (→ start-up page release, when the executable asks
/// for it), so the API stops taking requests first and the store closes last.
public enum BridgeNode {
    /// Name of the SQLite file under `data_dir`.
    public static let databaseFileName = "bridge.sqlite"
    /// How long graceful shutdown may take before the group escalates to cancellation.
    public static let maximumGracefulShutdown: Duration = .seconds(20)
    /// How long after start `memory.release_startup_code` releases the start-up code: the services
    /// are running and have made their first polls.
    public static let startupCodeReleaseDelay: Duration = .seconds(15)

    /// What `buildServiceGroup` made, for the caller to run (and tests to inspect).
    public struct Assembly: Sendable {
        public var group: ServiceGroup
        public var database: BridgeDatabase
        public var api: InspectionAPI?
    }

    /// Builds the node's services from a validated configuration. It throws only when the data
    /// folder or the database cannot be opened, never on configuration.
    ///
    /// - Parameters:
    ///   - configuration: the node configuration, typed by `BridgeNodeConfiguration.validated()`.
    ///   - logger: the root logger (the executable bootstrapped its backend).
    ///   - version: the software version shown by the API.
    ///   - validatorAddress: this node's Koinos address, once the keystore is unlocked.
    ///   - keys: the unlocked keys; nil builds only the store and the HTTP API (inspection of a data dir).
    ///   - metricsExposition: renders the Prometheus registry for `/metrics`; nil when metrics are off.
    ///   - signals: graceful shutdown signals (tests pass none).
    ///   - releaseStartupCodeAfter: when set (by the executable, from `memory.release_startup_code`),
    ///     `StartupPageReleaseService` pages out the process's start-up code this long after start. It
    ///     acts on the whole process, so in-process tests leave it nil.
    ///   - onHTTPServerRunning: called with the listening channel (tests read the bound port from it).
    public static func buildServiceGroup(
        configuration: ValidatedConfiguration, logger: Logger, version: String, validatorAddress: String? = nil, keys: NodeKeys? = nil,
        metricsExposition: (@Sendable () -> [UInt8])?, signals: [UnixSignal] = [.sigterm, .sigint],
        releaseStartupCodeAfter: Duration? = nil,
        onHTTPServerRunning: @escaping @Sendable (String) async -> Void = { _ in }
    ) throws -> Assembly {
        let dataDir = configuration.dataDirectory
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        let database = try BridgeDatabase(path: dataDir + "/" + databaseFileName)

        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if !signals.isEmpty { services.append(.init(service: SignalEscalation(logger: logger, signals: signals))) }
        services.append(.init(service: StoreService(database: database, logger: logger)))

        // With the unlocked keys: p2p host + bridge plugin, aggregator, validator-set propagation,
        // Koinos submitter, Ethereum watcher, Ethereum re-observer (in that order; see BridgeNode+Services.swift).
        var live: LiveServices?
        if let keys {
            // One Ethereum sender (one nonce counter for the relayer key): completeTransfer and admin calls.
            let sender = ethereumSender(configuration: configuration, validatorKey: keys.validatorKey, database: database, logger: logger)
            let built = buildLiveServices(
                configuration: configuration, keys: keys, database: database, logger: logger, version: version, ethereumSender: sender)
            services += built.services.map { .init(service: CleanStopOnShutdown(base: $0)) }
            if var koinosLocks = koinosLockService(configuration: configuration, keys: keys, database: database, logger: logger) {
                let lockSigner = koinosLocks.signer
                koinosLocks.exchange = built.koinosSignatureGossip.map { KoinosSignatureExchange(gossip: $0, signer: lockSigner) }
                services.append(.init(service: CleanStopOnShutdown(base: koinosLocks)))
            }
            if let sender {
                services.append(.init(service: CleanStopOnShutdown(base: sender)))
            }
            live = built
        }

        var api: InspectionAPI?
        if let (host, port) = configuration.httpListen {
            let peers: any PeerDirectory = live?.peers ?? StaticPeerDirectory(configuration.source.p2p.bootstrap.map(Self.bootstrapSnapshot))
            var node = description(configuration, version: version, validatorAddress: validatorAddress ?? keys?.koinosAddress)
            node.validatorEthereumAddress = keys.map { EthereumAddress(publicKey: $0.validatorKey.publicKey).checksummed }
            node.peerID = keys.map { "\($0.p2pKey.peerID)" }
            var inspection = InspectionAPI(
                store: database, node: node,
                validators: configuration.validators.map {
                    ConfiguredValidator(koinosAddress: $0.koinosAddress, ethereumAddress: $0.ethereumAddress, peerID: $0.peerID)
                },
                peers: peers, readiness: live?.readiness ?? [], metricsExposition: metricsExposition)
            let tokens = live?.tokenNames ?? KoinosTokenNames(configured: tokenDisplays(configuration.koinos.tokens), rpc: nil)
            inspection.tokens = { tokens.current() }
            if let heads = live?.chainHeads { inspection.chainHeads = { await heads.current() } }
            inspection.page.heartbeatIntervalMs = UInt64(heartbeatInterval.components.seconds) * 1000
            if case .finalized = configuration.ethereum.finality {} else { inspection.page.watcherStallMs = 5 * 60_000 }
            if let validatorSet = live?.validatorSet { inspection.currentValidatorSet = { validatorSet() } }
            inspection.governor = configuration.governor
            let app = inspection.buildApplication(host: host, port: port, logger: logger) { channel in
                let address = channel.localAddress.map { "\($0.ipAddress ?? host):\($0.port ?? port)" } ?? "\(host):\(port)"
                logger.info("http api listening", metadata: ["http.address": "\(address)"])
                await onHTTPServerRunning(address)
            }
            services.append(.init(service: app))
            api = inspection
        }

        if live != nil, let delay = releaseStartupCodeAfter {
            // Last in the group: the first asked to stop; it only waits once its one release is done.
            services.append(.init(service: StartupPageReleaseService(
                logger: logger.labelled("bridge.memory"), delay: delay, trimHeap: configuration.trimHeap)))
        }

        var groupConfiguration = ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: signals, cancellationSignals: [], logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = maximumGracefulShutdown
        let group = ServiceGroup(configuration: groupConfiguration)
        return Assembly(group: group, database: database, api: api)
    }

    static func description(_ c: ValidatedConfiguration, version: String, validatorAddress: String?) -> NodeDescription {
        NodeDescription(
            version: version, profile: c.ethereum.profile.rawValue, ethereumChainID: c.ethereum.chainID,
            ethereumContract: c.source.ethereum.contract, koinosChainID: c.source.koinos.chainID,
            koinosBridgeContract: c.source.koinos.bridgeContract, validatorAddress: validatorAddress)
    }

    /// The page's tokens from `koinos.tokens` (Ethereum token, the zero address for `native` → Koinos contract), before
    /// their symbols and decimals are read from the Koinos contracts (`KoinosTokenNames`): the short
    /// Koinos contract id and the 8 decimals the Ethereum contract normalises every lock to.
    static func tokenDisplays(_ tokens: [[UInt8]: [UInt8]]?) -> [TokenDisplay] {
        (tokens ?? [:]).map { TokenDisplay(ethereumToken: $0.key, koinosToken: Base58.encode($0.value), symbol: nil) }
    }

    /// A configured bootstrap peer as the API shows it before the libp2p host is wired: not connected.
    static func bootstrapSnapshot(_ multiaddr: String) -> PeerSnapshot {
        let peerID = multiaddr.components(separatedBy: "/p2p/").last ?? multiaddr
        return PeerSnapshot(peerID: peerID, addresses: [multiaddr], connected: false, validator: nil)
    }
}
