// SPDX-License-Identifier: Apache-2.0
import BridgeAttestation
import BridgeCore
import BridgeEthereum
import BridgeGossip
import BridgeHTTPAPI
import BridgeKoinos
import BridgeSigning
import BridgeStore
import ChainCrypto
import CurlTransport
import Ethereum
import Koinos
import Libp2pGossipsub
import Libp2pHost
import Logging
import Multiformats
import ServiceLifecycle

/// The services that need the unlocked keys, built in dependency order from a validated configuration.
struct LiveServices {
    /// p2p host + bridge plugin, aggregator, validator-set propagation, Koinos submitter, Ethereum
    /// watcher, Ethereum re-observer.
    var services: [any Service]
    var peers: any PeerDirectory
    var readiness: [ReadinessCheck]
    /// The validator set in force (base58 Koinos addresses), as the contract last answered.
    var validatorSet: @Sendable () -> [String]
    /// Token symbols and decimals for the page, read from the Koinos token contracts.
    var tokenNames: KoinosTokenNames
    /// Ethereum and Koinos heads for the page.
    var chainHeads: ChainHeadProbe
}

extension BridgeNode {
    /// How often this validator announces itself once settled.
    static let heartbeatInterval: Duration = .seconds(10)

    static func buildLiveServices(
        configuration c: BridgeNodeConfiguration, keys: NodeKeys, database: BridgeDatabase, logger: Logger, version: String
    ) throws -> LiveServices {
        guard let profile = ContractProfile(rawValue: c.ethereum.profile),
            let ethContract = EthereumAddress(c.ethereum.contract),
            let koinosBridge = KoinosAddress(c.koinos.bridgeContract)
        else { throw NodeStartError.unvalidatedConfiguration("ethereum.profile, ethereum.contract or koinos.bridge_contract") }
        let fallback = initialValidators(c)
        logTrustWarnings(c, logger: logger)
        let initialSet = ValidatorSet(fallback)
        let signer = Secp256k1AttestationSigner(key: keys.validatorKey)
        let clock = SystemBridgeClock()

        // p2p: host (identify koinos/p2p/1.0.0), gossipsub, bridge plugin on `p2p.topic`.
        var hostConfiguration = Libp2pHostConfiguration(listenAddresses: try c.p2p.listen.map { try Multiaddr($0) })
        hostConfiguration.agentVersion = "bridge-relay/\(version)"
        let host = Libp2pHost(privateKey: keys.p2pKey, configuration: hostConfiguration, logger: logger.labelled("bridge.p2p"))
        let gossipsub = Gossipsub(host: host, logger: logger.labelled("bridge.p2p.gossip"))
        var gossipConfiguration = BridgeGossipConfiguration()
        gossipConfiguration.topic = c.p2p.topic
        gossipConfiguration.softwareVersion = "bridge-relay/\(version)"
        let transport = Libp2pBridgeTransport(gossipsub: gossipsub, configuration: gossipConfiguration, logger: logger.labelled("bridge.gossip"))
        let settled = SettledDigestsForwarder()
        let endpoint = BridgeGossipEndpoint(
            signer: signer, verifier: Secp256k1SignatureVerifier(), hashing: ChainHashing(), clock: clock, validators: initialSet,
            transport: transport, configuration: gossipConfiguration, settled: settled,
            attestationSource: { since, limit in (try? await database.quorumAttestations(sinceMilliseconds: since, limit: limit)) ?? [] })

        // Ethereum: endpoints over libcurl, finality, token map → judge; the re-observer answers
        // peers' requests for locks we have not stored, by the watcher's rules.
        let watcherConfiguration = ethereumWatcherConfiguration(c, profile: profile, contract: ethContract.bytes, koinosBridge: koinosBridge.bytes)
        let ethLogger = logger.labelled("bridge.eth-watcher")
        let pool = EndpointPool(
            clients: c.ethereum.rpc.map { EthereumRPCClient(transport: CurlHTTPTransport(configuration: curl($0, timeoutMs: 30_000))) },
            expectedChainID: c.ethereum.chainID, trust: EndpointTrust(rawValue: c.ethereum.agreement) ?? .failover, clock: clock, logger: ethLogger)
        let reobserver = EthereumReobserver(
            configuration: watcherConfiguration, pool: pool, database: database, wallClock: clock, logger: logger.labelled("bridge.eth-reobserver"))

        // Aggregation: signs what the watcher stored, gossips, persists quorum sets.
        // Own signatures not at quorum are re-broadcast after 15 s, doubling up to the 4 h cap: a
        // signature published before the topic mesh formed or before peers bound our heartbeat
        // (the first seconds after a start) would otherwise wait for the 5-minute default.
        // The jitter is seeded per process so validators do not retry in step.
        var aggregatorConfiguration = AggregatorConfiguration()
        aggregatorConfiguration.pool.firstRetryAfterMilliseconds = 15_000
        aggregatorConfiguration.pool.jitterSeed = UInt64.random(in: .min ... .max)
        let aggregator = Aggregator(
            repository: database, signer: signer, gossip: endpoint, clock: clock, validators: initialSet, configuration: aggregatorConfiguration,
            reobservation: reobserver, hashing: ChainHashing(),
            logger: logger.labelled("bridge.aggregator"))
        settled.connect(aggregator.settled)

        // Koinos: submitter paid by the validator key; the validator set read from the contract.
        let koinosRPC = KoinosRPCClient(transport: CurlHTTPTransport(configuration: curl(c.koinos.rpc, timeoutMs: c.koinos.submitTimeoutMs)))
        var submitterConfiguration = KoinosSubmitterConfiguration(bridgeContract: koinosBridge.bytes, profile: profile, payerKey: keys.validatorKey)
        submitterConfiguration.fallbackValidators = fallback
        submitterConfiguration.rcLimitCap = c.koinos.rcLimitCap
        submitterConfiguration.inclusionTimeoutMs = c.koinos.submitTimeoutMs
        submitterConfiguration.takeoverTimeoutMs = c.koinos.submitTimeoutMs
        submitterConfiguration.sendsTransactions = c.koinos.relayerPolicy != "none"
        let extraKoinos = extraKoinosClients(c)
        let validatorSync = validatorSetSync(
            c, rpc: koinosRPC, extra: extraKoinos, bridge: koinosBridge.bytes, version: profile.koinosVersion,
            seeds: [submitterConfiguration.validatorAddress], logger: logger.labelled("bridge.koinos"))
        let submitter = KoinosSubmitter(
            configuration: submitterConfiguration, rpc: koinosRPC, store: database, clock: KoinosWallClock(), validators: validatorSync,
            logger: logger.labelled("bridge.koinos"))
        let propagation = ValidatorSetPropagation(
            sync: validatorSync, aggregator: aggregator, endpoint: endpoint, interval: .seconds(2), logger: logger.labelled("bridge.validators"))

        let watcher = WatcherService(
            configuration: watcherConfiguration, startAtFinalHead: c.ethereum.startBlock == nil, pool: pool, database: database,
            aggregator: aggregator, logger: ethLogger)
        let reobservation = ReobserverService(reobserver: reobserver, aggregator: aggregator)

        let cursorName = watcherConfiguration.cursorName
        let p2p = P2PService(
            host: host, gossipsub: gossipsub, transport: transport, endpoint: endpoint, bootstrap: try c.p2p.bootstrap.map { try Multiaddr($0) },
            ethereumCursor: { (try? await database.cursorBlock(cursorName)) ?? 0 }, heartbeatInterval: heartbeatInterval,
            recordOwnHeartbeat: { heartbeat in _ = try? await database.apply([.heartbeat(heartbeat)], atMilliseconds: heartbeat.timestampMilliseconds) },
            logger: logger.labelled("bridge.p2p"))

        let peers = LivePeerDirectory(host: host, endpoint: endpoint, bootstrap: c.p2p.bootstrap, validators: { validatorSync.current.addresses })
        let readiness = [
            ReadinessCheck(name: "ethereum_watcher") { (try? await database.cursorBlock(cursorName)) != nil },
            ReadinessCheck(name: "p2p_peers") {
                let connected = await host.connectedPeers()
                return c.p2p.bootstrap.isEmpty || !connected.isEmpty
            },
        ]
        let aggregation: any Service =
            c.p2p.bootstrap.isEmpty ? aggregator : StartAfterFirstPeer(base: aggregator, host: host, timeout: .seconds(20))
        let submission = AfterKoinosChainCheck(
            base: submitter, check: koinosChainCheck(c, rpc: koinosRPC, extra: extraKoinos, logger: logger.labelled("bridge.koinos")))
        return LiveServices(
            services: [p2p, aggregation, propagation, submission, watcher, reobservation], peers: peers, readiness: readiness,
            validatorSet: { validatorSync.current.addresses.map { Base58.encode($0) } },
            tokenNames: KoinosTokenNames(configured: tokenDisplays(c), rpc: koinosRPC),
            chainHeads: ChainHeadProbe(pool: pool, koinosRPC: koinosRPC))
    }

    static func finalityMode(_ e: BridgeNodeConfiguration.Ethereum) -> FinalityMode {
        switch e.finality {
        case "safe": .safe
        case "confirmations": .confirmations(e.confirmations)
        default: .finalized
        }
    }

    /// `koinos.tokens`: Ethereum token address (or `native` = the zero address) → Koinos token id.
    static func tokenMap(_ tokens: [String: String]) -> [[UInt8]: [UInt8]]? {
        guard !tokens.isEmpty else { return nil }
        var out: [[UInt8]: [UInt8]] = [:]
        for (eth, koinos) in tokens {
            let key = eth == "native" ? [UInt8](repeating: 0, count: 20) : EthereumAddress(eth)?.bytes
            if let key, let value = KoinosAddress(koinos)?.bytes { out[key] = value }
        }
        return out
    }

    static func curl(_ url: String, timeoutMs: UInt64) -> CurlTransportConfiguration {
        var configuration = CurlTransportConfiguration(url: url)
        configuration.totalTimeout = max(1, Double(min(timeoutMs, 120_000)) / 1_000)
        configuration.connectTimeout = min(5, configuration.totalTimeout)
        return configuration
    }
}

/// Why the node could not be assembled.
public enum NodeStartError: Error, Sendable, CustomStringConvertible {
    /// `buildServiceGroup` was given a configuration that does not pass `validate()`.
    case unvalidatedConfiguration(String)

    public var description: String {
        switch self {
        case .unvalidatedConfiguration(let keys): "the configuration was not validated: \(keys)"
        }
    }
}

extension Logger {
    /// A logger with another label and the same level and metadata.
    func labelled(_ label: String) -> Logger {
        var copy = Logger(label: label)
        copy.logLevel = logLevel
        for (key, value) in handler.metadata { copy[metadataKey: key] = value }
        return copy
    }
}
