// SPDX-License-Identifier: Apache-2.0

/// Everything a validator node is configured with. Every key is documented in `config/README.md`.
///
/// Built from a merged `ConfigTree` by `init(reader:)`; `validate()` then checks values that need
/// more than a type (URLs, addresses and their checksums, key files, ports, modes). Both kinds of
/// problem name their key, one per line.
public struct BridgeNodeConfiguration: Sendable {
    /// `ethereum.*`: the source chain and the watcher.
    public struct Ethereum: Sendable, Hashable {
        public var rpc: [String] = []
        public var chainID: UInt64 = 0
        public var contract: String = ""
        public var profile: String = "v2"
        /// `finalized`, `safe` or `confirmations`.
        public var finality: String = "finalized"
        /// Depth below head when `finality` is `confirmations` (0 = emit at head).
        public var confirmations: UInt64 = 12
        public var maxBlockWindow: UInt64 = 1000
        /// Re-read an observation's block this many blocks after finality (0: never).
        public var deepReorgCheckDepth: UInt64 = 64
        public var pollIntervalMs: UInt64 = 2000
        /// `failover` (the endpoint in use is trusted alone) or `two_agree` (two endpoints must agree on
        /// logs, receipts, headers and the final block). When the key is absent: `two_agree` with two
        /// or more `rpc` endpoints, else `failover`.
        public var agreement: String = "failover"
        /// First block to scan when no cursor is stored; nil = the finalized head at first start.
        public var startBlock: UInt64?
    }

    /// `koinos.*`: the destination chain and the submitter.
    public struct Koinos: Sendable, Hashable {
        public var rpc: String = ""
        /// More Koinos nodes (other providers): the chain id and the validator set are read from
        /// each as well and must agree with `rpc`'s.
        public var extraRPC: [String] = []
        /// Koinos addresses: when set, the validator set in force is exactly this list; a set read
        /// from the contract that differs is refused, logged critical and counted.
        public var validatorsPin: [String] = []
        public var chainID: String = ""
        public var bridgeContract: String = ""
        /// v2: the destination chain id carried in digests.
        public var chain: UInt32 = 0
        /// Ethereum token address (or `native`) → Koinos token contract id.
        public var tokens: [String: String] = [:]
        public var signatureLifetimeMs: UInt64 = 3_600_000
        public var rcLimitCap: UInt64 = 100_000_000
        public var submitTimeoutMs: UInt64 = 60_000
        /// `own` (submit v1 transfers in turn and v2 transfers naming us as relayer) or `none` (watch-only).
        public var relayerPolicy: String = "own"
    }

    /// One entry of `validators` (fallback list; the Koinos contract's set wins once read).
    public struct Validator: Sendable, Hashable {
        public var koinosAddress: String
        public var ethereumAddress: String
        public var peerID: String
    }

    /// `p2p.*`.
    public struct P2P: Sendable, Hashable {
        public var listen: [String] = ["/ip4/0.0.0.0/tcp/8888"]
        public var bootstrap: [String] = []
        public var topic: String = "plugin.bridge"
        /// Upgraded connections at once; 32 of them are kept for validators and bootstrap peers.
        public var maxConnections: UInt64 = 128
        /// Inbound connections from one IP address (validators behind one address need more).
        public var maxConnectionsPerIP: UInt64 = 8
        /// Extra peer ids that may use the reserved slots (validators' peer ids and bootstrap peers are reserved already).
        public var reservedPeers: [String] = []
        /// The head announced to Koinos nodes over peer RPC: `lib` (the last irreversible block:
        /// they see the relay as synced and never ask it for blocks) or `head`.
        public var advertiseHead: String = "lib"
        /// Koinos nodes to connect to (`/ip4/…/tcp/…/p2p/<peer id>`); each must pass the Koinos
        /// handshake (protocol version, same chain id) or is disconnected.
        public var koinosPeers: [String] = []
    }

    /// `keystore.*`.
    public struct Keystore: Sendable, Hashable {
        public var path: String = "keystore.json"
        /// File holding the passphrase; empty = the keystore is not passphrase-protected.
        public var passphraseFile: String = ""
    }

    /// `http.*`.
    public struct HTTP: Sendable, Hashable {
        public var enabled: Bool = true
        public var listen: String = "127.0.0.1:8080"
    }

    /// `log.*`.
    public struct Log: Sendable, Hashable {
        public var level: String = "info"
        /// `auto` (human on a TTY, JSON lines otherwise), `human` or `json`.
        public var format: String = "auto"
    }

    /// `metrics.*`.
    public struct Metrics: Sendable, Hashable {
        public var enabled: Bool = true
    }

    /// `memory.*`.
    public struct Memory: Sendable, Hashable {
        /// Give back the clean code pages start-up touched, once it is over (`StartupPageRelease`).
        public var releaseStartupCode: Bool = true
        /// With that release, `malloc_trim(0)`: give the heap's free memory back (the keystore unlock's peak).
        public var trimHeap: Bool = true
    }

    public var ethereum = Ethereum()
    /// `ethereum.relayer.*`, as read.
    public var ethereumRelayer = EthereumRelayer()
    public var koinos = Koinos()
    public var validators: [Validator] = []
    public var p2p = P2P()
    public var keystore = Keystore()
    public var http = HTTP()
    public var dataDir: String = "data"
    public var log = Log()
    public var metrics = Metrics()
    public var memory = Memory()
    /// `governor.tokens`: outflow limits per Ethereum token (address or `native`), as read.
    public var governor: [String: GovernorToken] = [:]
    /// `koinos.watcher`: the Koinos → Ethereum lock watcher (BridgeNodeConfiguration+KoinosWatcher.swift).
    public var koinosWatcher = KoinosWatcher()
    /// Folder relative paths resolve against (the config file's folder).
    public var baseDirectory: String = "."
    /// Type problems and unknown keys found while reading.
    public private(set) var readProblems: [ConfigurationProblem] = []

    /// The defaults only (what an empty file gives).
    public init() {}

    /// Reads every section; bad types and unknown keys become `readProblems`.
    public init(reader r: ConfigReader, baseDirectory: String = ".") {
        self.baseDirectory = baseDirectory
        let e = Ethereum()
        ethereum.rpc = r.stringList("ethereum.rpc", default: e.rpc)
        ethereum.chainID = r.uint64("ethereum.chain_id", default: e.chainID)
        ethereum.contract = r.string("ethereum.contract", default: e.contract)
        ethereum.profile = r.string("ethereum.profile", default: e.profile)
        ethereum.finality = r.string("ethereum.finality", default: e.finality)
        ethereum.confirmations = r.uint64("ethereum.confirmations", default: e.confirmations)
        ethereum.maxBlockWindow = r.uint64("ethereum.max_block_window", default: e.maxBlockWindow)
        ethereum.deepReorgCheckDepth = r.uint64("ethereum.deep_reorg_check_depth", default: e.deepReorgCheckDepth)
        ethereum.pollIntervalMs = r.uint64("ethereum.poll_interval_ms", default: e.pollIntervalMs)
        ethereum.agreement = r.string("ethereum.agreement", default: ethereum.rpc.count >= 2 ? "two_agree" : e.agreement)
        ethereum.startBlock = r.optionalUInt64("ethereum.start_block")
        ethereumRelayer = Self.readEthereumRelayer(r)

        let k = Koinos()
        koinos.rpc = r.string("koinos.rpc", default: k.rpc)
        koinos.extraRPC = r.stringList("koinos.extra_rpc", default: k.extraRPC)
        koinos.validatorsPin = r.stringList("koinos.validators_pin", default: k.validatorsPin)
        koinos.chainID = r.string("koinos.chain_id", default: k.chainID)
        koinos.bridgeContract = r.string("koinos.bridge_contract", default: k.bridgeContract)
        koinos.chain = r.uint32("koinos.chain", default: k.chain)
        koinos.tokens = r.stringMap("koinos.tokens")
        koinos.signatureLifetimeMs = r.uint64("koinos.signature_lifetime_ms", default: k.signatureLifetimeMs)
        koinos.rcLimitCap = r.uint64("koinos.rc_limit_cap", default: k.rcLimitCap)
        koinos.submitTimeoutMs = r.uint64("koinos.submit_timeout_ms", default: k.submitTimeoutMs)
        koinos.relayerPolicy = r.string("koinos.relayer_policy", default: k.relayerPolicy)

        validators = r.mapList("validators", itemKeys: ["koinos_address", "ethereum_address", "peer_id"]).map {
            Validator(koinosAddress: $0["koinos_address"] ?? "", ethereumAddress: $0["ethereum_address"] ?? "", peerID: $0["peer_id"] ?? "")
        }

        let p = P2P()
        p2p.listen = r.stringList("p2p.listen", default: p.listen)
        p2p.bootstrap = r.stringList("p2p.bootstrap", default: p.bootstrap)
        p2p.topic = r.string("p2p.topic", default: p.topic)
        p2p.maxConnections = r.uint64("p2p.max_connections", default: p.maxConnections)
        p2p.maxConnectionsPerIP = r.uint64("p2p.max_connections_per_ip", default: p.maxConnectionsPerIP)
        p2p.reservedPeers = r.stringList("p2p.reserved_peers", default: p.reservedPeers)
        p2p.advertiseHead = r.string("p2p.advertise_head", default: p.advertiseHead)
        p2p.koinosPeers = r.stringList("p2p.koinos_peers", default: p.koinosPeers)

        keystore.path = r.string("keystore.path", default: Keystore().path)
        keystore.passphraseFile = r.string("keystore.passphrase_file", default: Keystore().passphraseFile)
        http.enabled = r.bool("http.enabled", default: HTTP().enabled)
        http.listen = r.string("http.listen", default: HTTP().listen)
        dataDir = r.string("data_dir", default: "data")
        log.level = r.string("log.level", default: Log().level)
        log.format = r.string("log.format", default: Log().format)
        metrics.enabled = r.bool("metrics.enabled", default: Metrics().enabled)
        memory.releaseStartupCode = r.bool("memory.release_startup_code", default: Memory().releaseStartupCode)
        memory.trimHeap = r.bool("memory.trim_heap", default: Memory().trimHeap)
        governor = Self.readGovernorTokens(r)
        koinosWatcher = Self.readKoinosWatcher(r)
        readProblems = r.problems + r.unknownKeys()
    }

    /// Loads file < environment < flags and reads the result. Throws only when the file cannot be
    /// read or parsed; everything else (a malformed flag too) is a problem for `validate()`.
    public static func load(
        path: String?, environment: [String: String], flags: [String] = []
    ) throws(ConfigurationError) -> BridgeNodeConfiguration {
        let sources =
            if let path { try ConfigSources.load(path: path, environment: environment, flags: flags) }
            else { ConfigSources(environment: environment, flags: flags) }
        let (tree, badFlags) = sources.merged()
        let base = path.map { p in p.contains("/") ? String(p[..<p.lastIndex(of: "/")!]) : "." } ?? "."
        var configuration = BridgeNodeConfiguration(reader: ConfigReader(tree: tree), baseDirectory: base.isEmpty ? "/" : base)
        configuration.readProblems = badFlags + configuration.readProblems
        return configuration
    }

    /// `path` as given when absolute, else under `baseDirectory`.
    public func resolve(_ path: String) -> String {
        path.hasPrefix("/") || path.isEmpty ? path : baseDirectory + "/" + path
    }
}
