// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
public import BridgeEthereum
public import BridgeKoinos
public import ChainCrypto
public import Foundation
public import Logging
public import Multiformats

/// A configuration that passed `validate()`, with every mode an enum, every address decoded and
/// every path resolved. Only `BridgeNodeConfiguration.validated()` makes one, so the composition
/// root that takes it cannot fail on configuration.
public struct ValidatedConfiguration: Sendable {
    /// `ethereum.*`, typed.
    public struct Ethereum: Sendable {
        public var endpoints: [String]
        public var chainID: UInt64
        public var contract: EthereumAddress
        public var profile: ContractProfile
        public var finality: FinalityMode
        public var trust: EndpointTrust
        public var maxBlockWindow: UInt64
        public var deepReorgCheckDepth: UInt64
        public var pollIntervalMs: UInt64
        /// nil: start at the finalized head when no cursor is stored.
        public var startBlock: UInt64?
    }

    /// `koinos.*`, typed.
    public struct Koinos: Sendable {
        public var endpoint: String
        public var extraEndpoints: [String]
        /// Raw Koinos addresses; empty when the set is not pinned.
        public var validatorsPin: [[UInt8]]
        public var chainID: [UInt8]
        public var bridgeContract: KoinosAddress
        public var chain: UInt32
        /// Ethereum token address (20 bytes; `native` = zeros) → raw Koinos token address; nil when none is configured.
        public var tokens: [[UInt8]: [UInt8]]?
        public var signatureLifetimeMs: UInt64
        public var rcLimitCap: UInt64
        public var submitTimeoutMs: UInt64
        public var relayerPolicy: RelayerPolicy
    }

    /// `koinos.relayer_policy`.
    public enum RelayerPolicy: String, Sendable, CaseIterable {
        /// Submit v1 transfers in turn and v2 transfers naming this node as relayer.
        case own
        /// Watch and sign only.
        case none
    }

    /// `p2p.*`, parsed.
    public struct P2P: Sendable {
        public var listen: [Multiaddr]
        public var bootstrap: [Multiaddr]
        public var topic: String
        public var advertiseHead: AdvertisedHead
        public var koinosPeers: [Multiaddr]
        public var maxConnections: Int
        public var maxConnectionsPerIP: Int
        /// Peers the host keeps slots for from the start: `p2p.reserved_peers`, the bootstrap peers,
        /// the Koinos peers and the validators' `peer_id` (heartbeat-bound peers are added while running).
        public var reservedPeers: Set<PeerID>
    }

    /// `p2p.advertise_head`: the head announced to Koinos nodes over peer RPC.
    public enum AdvertisedHead: String, Sendable, CaseIterable {
        /// The last irreversible block: Koinos nodes see the relay as synced.
        case lib
        /// The head block (a Koinos node may then ask for blocks, which the relay does not serve).
        case head
    }

    /// `log.format`.
    public enum LogFormat: String, Sendable, CaseIterable {
        /// Human lines on a terminal, JSON lines otherwise.
        case auto
        case human
        case json
    }

    /// The file as read (strings, for display and for the checks that read it again at start).
    public let source: BridgeNodeConfiguration
    public let ethereum: Ethereum
    /// `ethereum.relayer.*`, typed.
    public internal(set) var ethereumRelayer = EthereumRelayer.defaults
    public let koinos: Koinos
    /// `validators`, the fallback set before the contract is read.
    public let validators: [BridgeNodeConfiguration.Validator]
    public let p2p: P2P
    /// `data_dir`, resolved.
    public let dataDirectory: String
    /// `http.listen` split; nil when `http.enabled` is false.
    public let httpListen: (host: String, port: Int)?
    public let logLevel: Logger.Level
    public let logFormat: LogFormat
    public let metricsEnabled: Bool
    /// `memory.release_startup_code`: run `StartupPageReleaseService` once start-up is over.
    public internal(set) var releaseStartupCode = true
    /// `memory.trim_heap`: that release also calls `malloc_trim(0)`.
    public internal(set) var trimHeap = true
    /// `governor.tokens`, typed (empty: no governor).
    public internal(set) var governor = GovernorPolicy(tokens: [:])
    /// `koinos.watcher`, typed; nil when the Koinos → Ethereum watcher is disabled.
    public internal(set) var koinosWatcher: KoinosLockWatcherConfiguration?

    /// The validators in force before the contract is read: `koinos.validators_pin` when set,
    /// else the configured `validators` list.
    public var initialValidators: [[UInt8]] {
        koinos.validatorsPin.isEmpty ? validators.compactMap { KoinosAddress($0.koinosAddress)?.bytes } : koinos.validatorsPin
    }
}

extension BridgeNodeConfiguration {
    /// The typed configuration, or every problem `validate()` finds (never both, never neither).
    public func validated(fileSystem: FileManager = .default) -> Result<ValidatedConfiguration, ConfigurationProblems> {
        let problems = validate(fileSystem: fileSystem)
        guard problems.isEmpty, let typed = typed() else {
            return .failure(ConfigurationProblems(problems: problems.isEmpty ? [Self.untypable] : problems))
        }
        return .success(typed)
    }

    /// Should `validate()` ever pass a value this cannot decode, that is a bug of `validate()`; it is
    /// reported as a problem rather than a crash.
    static let untypable = ConfigurationProblem(key: "configuration", message: "passed the checks but could not be decoded (a bug: please report it)")

    private func typed() -> ValidatedConfiguration? {
        guard let profile = ContractProfile(rawValue: ethereum.profile), let contract = EthereumAddress(ethereum.contract),
            let trust = EndpointTrust(rawValue: ethereum.agreement), let finality = typedFinality(),
            let bridge = KoinosAddress(koinos.bridgeContract), let chainID = Base64URL.decode(koinos.chainID),
            let policy = ValidatedConfiguration.RelayerPolicy(rawValue: koinos.relayerPolicy),
            let level = Logger.Level(rawValue: log.level), let format = ValidatedConfiguration.LogFormat(rawValue: log.format),
            let tokens = typedTokens(), let listen = try? p2p.listen.map({ try Multiaddr($0) }),
            let bootstrap = try? p2p.bootstrap.map({ try Multiaddr($0) }),
            let advertise = ValidatedConfiguration.AdvertisedHead(rawValue: p2p.advertiseHead),
            let koinosPeers = try? p2p.koinosPeers.map({ try Multiaddr($0) }),
            let reserved = typedReservedPeers(bootstrap: bootstrap + koinosPeers)
        else { return nil }
        let pin = koinos.validatorsPin.compactMap { KoinosAddress($0)?.bytes }
        guard pin.count == koinos.validatorsPin.count else { return nil }
        let httpListen = http.enabled ? ConfigChecks.splitHostPort(http.listen) : nil
        if http.enabled && httpListen == nil { return nil }
        guard let governor = typedGovernor(), let relayer = typedEthereumRelayer() else { return nil }
        var result = ValidatedConfiguration(
            source: self,
            ethereum: .init(
                endpoints: ethereum.rpc, chainID: ethereum.chainID, contract: contract, profile: profile, finality: finality, trust: trust,
                maxBlockWindow: ethereum.maxBlockWindow, deepReorgCheckDepth: ethereum.deepReorgCheckDepth,
                pollIntervalMs: ethereum.pollIntervalMs, startBlock: ethereum.startBlock),
            koinos: .init(
                endpoint: koinos.rpc, extraEndpoints: koinos.extraRPC, validatorsPin: pin, chainID: chainID, bridgeContract: bridge,
                chain: koinos.chain, tokens: tokens.isEmpty ? nil : tokens, signatureLifetimeMs: koinos.signatureLifetimeMs,
                rcLimitCap: koinos.rcLimitCap, submitTimeoutMs: koinos.submitTimeoutMs, relayerPolicy: policy),
            validators: validators, p2p: .init(
                listen: listen, bootstrap: bootstrap, topic: p2p.topic, advertiseHead: advertise, koinosPeers: koinosPeers,
                maxConnections: Int(clamping: p2p.maxConnections), maxConnectionsPerIP: Int(clamping: p2p.maxConnectionsPerIP),
                reservedPeers: reserved), dataDirectory: resolve(dataDir),
            httpListen: httpListen, logLevel: level, logFormat: format, metricsEnabled: metrics.enabled)
        result.ethereumRelayer = relayer
        result.governor = governor
        result.releaseStartupCode = memory.releaseStartupCode
        result.trimHeap = memory.trimHeap
        result.koinosWatcher = typedKoinosWatcher(
            profile: profile, chainID: chainID, bridge: bridge.bytes, ethereumContract: contract.bytes, tokens: tokens)
        return result
    }

    private func typedFinality() -> FinalityMode? {
        switch ethereum.finality {
        case "finalized": .finalized
        case "safe": .safe
        case "confirmations": .confirmations(ethereum.confirmations)
        default: nil
        }
    }

    /// `p2p.reserved_peers`, the bootstrap peers' ids and the validators' `peer_id`; nil if one
    /// configured id does not decode.
    private func typedReservedPeers(bootstrap: [Multiaddr]) -> Set<PeerID>? {
        let listed = (p2p.reservedPeers + validators.map(\.peerID)).compactMap { PeerID($0) }
        guard listed.count == p2p.reservedPeers.count + validators.count else { return nil }
        return Set(listed + bootstrap.compactMap(\.peerID))
    }

    /// Every `koinos.tokens` entry decoded; nil if any entry does not decode (never dropped silently).
    private func typedTokens() -> [[UInt8]: [UInt8]]? {
        var out: [[UInt8]: [UInt8]] = [:]
        for (eth, koinosToken) in koinos.tokens {
            let key = eth == "native" ? [UInt8](repeating: 0, count: 20) : EthereumAddress(eth)?.bytes
            guard let key, let value = KoinosAddress(koinosToken)?.bytes else { return nil }
            out[key] = value
        }
        return out
    }
}

/// Every problem found, as `config check` prints them (one line each).
public struct ConfigurationProblems: Error, Sendable, CustomStringConvertible {
    public var problems: [ConfigurationProblem]
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
