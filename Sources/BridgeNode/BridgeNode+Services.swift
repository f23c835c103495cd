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
import KoinosP2P
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
    /// The bridge plugin carrying Koinos → Ethereum signatures.
    var koinosSignatureGossip: (any KoinosSignatureGossip)?
}

extension BridgeNode {
    /// How often this validator announces itself once settled.
    static let heartbeatInterval: Duration = .seconds(10)

    static func buildLiveServices(
        configuration c: ValidatedConfiguration, keys: NodeKeys, database: BridgeDatabase, logger: Logger, version: String,
        ethereumSender: EthereumSender? = nil
    ) -> LiveServices {
        let profile = c.ethereum.profile
        let ethContract = c.ethereum.contract
        let koinosBridge = c.koinos.bridgeContract
        let fallback = c.initialValidators
        logTrustWarnings(c, logger: logger)
        let initialSet = ValidatorSet(fallback)
        let signer = Secp256k1AttestationSigner(key: keys.validatorKey)
        let clock = SystemBridgeClock()

        // p2p: host (identify koinos/p2p/1.0.0), gossipsub, bridge plugin on `p2p.topic`.
        var hostConfiguration = Libp2pHostConfiguration(listenAddresses: c.p2p.listen)
        hostConfiguration.agentVersion = "bridge-relay/\(version)"
        hostConfiguration.limits.maxConnections = c.p2p.maxConnections
        hostConfiguration.limits.maxPerIP = c.p2p.maxConnectionsPerIP
        let host = Libp2pHost(privateKey: keys.p2pKey, configuration: hostConfiguration, logger: logger.labelled("bridge.p2p"))
        // Koinos nodes that connect ask every peer for its chain id and head over peer RPC and
        // drop (and block) a peer that cannot answer: answered from `koinos.rpc`.
        let chainSource = KoinosRPCChainSource(
            rpc: KoinosRPCClient(transport: CurlHTTPTransport(configuration: curl(c.koinos.endpoint, timeoutMs: 5_000))),
            configuredChainID: c.koinos.chainID, advertise: c.p2p.advertiseHead)
        KoinosPeerRPCServer(source: chainSource, logger: logger.labelled("bridge.p2p.peerrpc")).install(on: host)
        let koinosPeering = KoinosPeering(host: host, addresses: c.p2p.koinosPeers, chainID: c.koinos.chainID, logger: logger.labelled("bridge.p2p.koinos"))
        let gossipsub = Gossipsub(host: host, logger: logger.labelled("bridge.p2p.gossip"))
        var gossipConfiguration = BridgeGossipConfiguration()
        gossipConfiguration.topic = c.p2p.topic
        gossipConfiguration.softwareVersion = "bridge-relay/\(version)"
        // Hold-and-verify: the aggregator recovers only the batch items that can enter a submission set.
        gossipConfiguration.deferItemRecovery = true
        let transport = Libp2pBridgeTransport(gossipsub: gossipsub, configuration: gossipConfiguration, logger: logger.labelled("bridge.gossip"))
        let attestations = SQLiteAttestationRepository(database)
        let settled = SettledDigestsForwarder()
        let endpoint = BridgeGossipEndpoint(
            signer: signer, verifier: Secp256k1SignatureVerifier(), hashing: ChainHashing(), clock: clock, validators: initialSet,
            transport: transport, configuration: gossipConfiguration, settled: settled,
            attestationSource: { since, limit in (try? await attestations.quorumAttestations(sinceMilliseconds: since, limit: limit)) ?? [] })

        // Ethereum: endpoints over libcurl, finality, token map → judge; the re-observer answers
        // peers' requests for locks we have not stored, by the watcher's rules.
        let watcherConfiguration = ethereumWatcherConfiguration(c, profile: profile, contract: ethContract.bytes, koinosBridge: koinosBridge.bytes)
        let ethLogger = logger.labelled("bridge.eth-watcher")
        let pool = EndpointPool(
            clients: c.ethereum.endpoints.map { EthereumRPCClient(transport: CurlHTTPTransport(configuration: curl($0, timeoutMs: 30_000))) },
            expectedChainID: c.ethereum.chainID, trust: c.ethereum.trust, clock: clock, logger: ethLogger)
        let reobserver = EthereumReobserver(
            configuration: watcherConfiguration, pool: pool, store: SQLiteObservationStore(database), wallClock: clock, logger: logger.labelled("bridge.eth-reobserver"))

        // Aggregation: signs what the watcher stored, gossips, persists quorum sets.
        // Own signatures not at quorum are re-broadcast after 15 s, doubling up to the 4 h cap: a
        // signature published before the topic mesh formed or before peers bound our heartbeat
        // (the first seconds after a start) would otherwise wait for the 5-minute default.
        // The jitter is seeded per process so validators do not retry in step.
        var aggregatorConfiguration = AggregatorConfiguration()
        aggregatorConfiguration.pool.firstRetryAfterMilliseconds = 15_000
        aggregatorConfiguration.pool.jitterSeed = UInt64.random(in: .min ... .max)
        // Peers may honour an Ethereum re-sign request (§2.7) a few polls before this node does.
        aggregatorConfiguration.pool.resignGraceMilliseconds = 10 * 60_000
        let aggregator = Aggregator(
            repository: attestations, signer: signer, gossip: endpoint, clock: clock, validators: initialSet, configuration: aggregatorConfiguration,
            reobservation: reobserver, hashing: ChainHashing(), verifier: Secp256k1SignatureVerifier(), governor: AggregatorGovernor(policy: c.governor, store: SQLiteGovernorRepository(database), hashing: ChainHashing()),
            logger: logger.labelled("bridge.aggregator"))
        settled.connect(aggregator.settled)

        // Koinos: submitter paid by the validator key; the validator set read from the contract.
        let koinosRPC = KoinosRPCClient(transport: CurlHTTPTransport(configuration: curl(c.koinos.endpoint, timeoutMs: c.koinos.submitTimeoutMs)))
        var submitterConfiguration = KoinosSubmitterConfiguration(bridgeContract: koinosBridge.bytes, profile: profile, payerKey: keys.validatorKey)
        submitterConfiguration.fallbackValidators = fallback
        submitterConfiguration.rcLimitCap = c.koinos.rcLimitCap
        submitterConfiguration.inclusionTimeoutMs = c.koinos.submitTimeoutMs
        submitterConfiguration.takeoverTimeoutMs = c.koinos.submitTimeoutMs
        submitterConfiguration.sendsTransactions = c.koinos.relayerPolicy == .own
        let extraKoinos = extraKoinosClients(c)
        let validatorSync = validatorSetSync(
            c, rpc: koinosRPC, extra: extraKoinos, bridge: koinosBridge.bytes, version: profile.koinosVersion,
            seeds: [submitterConfiguration.validatorAddress], logger: logger.labelled("bridge.koinos"))
        let submitter = KoinosSubmitter(
            configuration: submitterConfiguration, chain: koinosRPC, queue: SQLiteSubmissionQueue(database), clock: clock, validators: validatorSync,
            logger: logger.labelled("bridge.koinos"))
        let propagation = ValidatorSetPropagation(
            sync: validatorSync, aggregator: aggregator, endpoint: endpoint, interval: .seconds(2), logger: logger.labelled("bridge.validators"))

        let watcher = WatcherService(
            configuration: watcherConfiguration, startAtFinalHead: c.ethereum.startBlock == nil, pool: pool, database: database,
            aggregator: aggregator, logger: ethLogger)
        let reobservation = ReobserverService(reobserver: reobserver, aggregator: aggregator)

        let admin = adminServices(
            c, signer: signer, endpoint: endpoint, database: database, clock: clock, rpc: koinosRPC, key: keys.validatorKey,
            validators: { validatorSync.current }, ethereumSender: ethereumSender, logger: logger)

        let cursorName = watcherConfiguration.cursorName
        let p2p = P2PService(
            host: host, gossipsub: gossipsub, transport: transport, endpoint: endpoint, bootstrap: c.p2p.bootstrap,
            ethereumCursor: { (try? await database.cursorBlock(cursorName)) ?? 0 }, heartbeatInterval: heartbeatInterval,
            recordOwnHeartbeat: { heartbeat in _ = try? await attestations.apply([.heartbeat(heartbeat)], atMilliseconds: heartbeat.timestampMilliseconds) },
            reservedPeers: ReservedPeers(configured: c.p2p.reservedPeers, endpoint: endpoint) {
                validatorSync.current.addresses
            },
            logger: logger.labelled("bridge.p2p"))

        let peers = LivePeerDirectory(
            host: host, endpoint: endpoint, bootstrap: c.source.p2p.bootstrap, koinosPeers: c.source.p2p.koinosPeers, koinos: koinosPeering,
            validators: { validatorSync.current.addresses })
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
            services: [p2p, koinosPeering, aggregation, propagation, submission, watcher, reobservation] + admin, peers: peers, readiness: readiness,
            validatorSet: { validatorSync.current.addresses.map { Base58.encode($0) } },
            tokenNames: KoinosTokenNames(configured: tokenDisplays(c.koinos.tokens), rpc: koinosRPC),
            chainHeads: ChainHeadProbe(pool: pool, koinosRPC: koinosRPC), koinosSignatureGossip: endpoint)
    }

    static func curl(_ url: String, timeoutMs: UInt64) -> CurlTransportConfiguration {
        var configuration = CurlTransportConfiguration(url: url)
        configuration.totalTimeout = max(1, Double(min(timeoutMs, 120_000)) / 1_000)
        configuration.connectTimeout = min(5, configuration.totalTimeout)
        return configuration
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
