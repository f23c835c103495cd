// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeKoinos
import ChainCrypto

extension BridgeNodeConfiguration {
    /// `koinos.watcher.*`: the Koinos → Ethereum lock watcher and signer (off by default).
    ///
    /// It reads only irreversible blocks (≤ the LIB of `chain.get_head_info`) of `koinos.rpc` and
    /// `koinos.extra_rpc` (failover: an endpoint that errors or lies is set aside; `agreement:
    /// two_agree`, the default with two or more endpoints: two must serve the same window), keeps
    /// `tokens_locked_event`s of `koinos.bridge_contract`, maps each Koinos token to its Ethereum
    /// token by reversing `koinos.tokens`, and signs the `completeTransfer` digest for
    /// `ethereum.contract` with the validator key's Ethereum form while that address is in the
    /// contract's current validator set (read from `ethereum.contract` each round).
    public struct KoinosWatcher: Sendable, Hashable {
        public var enabled = false
        /// First Koinos height to scan when no cursor is stored yet.
        public var startHeight: UInt64 = 1
        /// Blocks per `block_store.get_blocks_by_height` call (1…1000).
        public var maxBlocksPerWindow: UInt64 = 500
        public var pollIntervalMs: UInt64 = 1_000
        /// v2: the Ethereum contract's own uint32 chain id (its constructor's `chainId`), packed in digests.
        public var ethereumChainID: UInt32 = 0
        /// `failover` or `two_agree` (empty: `two_agree` when `koinos.extra_rpc` lists an endpoint, else `failover`).
        public var agreement = ""
    }

    static func readKoinosWatcher(_ r: ConfigReader) -> KoinosWatcher {
        let d = KoinosWatcher()
        var w = KoinosWatcher()
        w.enabled = r.bool("koinos.watcher.enabled", default: d.enabled)
        w.startHeight = r.uint64("koinos.watcher.start_height", default: d.startHeight)
        w.maxBlocksPerWindow = r.uint64("koinos.watcher.max_blocks_per_window", default: d.maxBlocksPerWindow)
        w.pollIntervalMs = r.uint64("koinos.watcher.poll_interval_ms", default: d.pollIntervalMs)
        w.ethereumChainID = r.uint32("koinos.watcher.ethereum_chain_id", default: d.ethereumChainID)
        w.agreement = r.string("koinos.watcher.agreement", default: d.agreement)
        return w
    }

    func koinosWatcherProblems() -> [ConfigurationProblem] {
        guard koinosWatcher.enabled else { return [] }
        var out = [ConfigurationProblem]()
        if !(1...1_000).contains(koinosWatcher.maxBlocksPerWindow) {
            out.append(.init(key: "koinos.watcher.max_blocks_per_window", message: "must be 1 to 1000 (a Koinos node answers at most 1000 blocks)"))
        }
        if !koinosWatcher.agreement.isEmpty, KoinosEndpointAgreement(rawValue: koinosWatcher.agreement) == nil {
            out.append(.init(key: "koinos.watcher.agreement", message: "must be failover or two_agree, got \(ConfigChecks.quoted(koinosWatcher.agreement))"))
        }
        if koinosWatcher.agreement == KoinosEndpointAgreement.twoAgree.rawValue, koinos.extraRPC.isEmpty {
            out.append(.init(key: "koinos.watcher.agreement", message: "two_agree needs a second endpoint in koinos.extra_rpc"))
        }
        if koinosWatcher.pollIntervalMs == 0 { out.append(.init(key: "koinos.watcher.poll_interval_ms", message: "must be at least 1 ms")) }
        if koinos.tokens.isEmpty {
            out.append(.init(key: "koinos.watcher.enabled", message: "needs koinos.tokens (the Ethereum token of each Koinos token)"))
        }
        if Set(koinos.tokens.values).count != koinos.tokens.count {
            out.append(.init(key: "koinos.tokens", message: "a Koinos token is mapped twice: the watcher could not tell which Ethereum token to sign for"))
        }
        if ethereum.profile == "v2", koinosWatcher.ethereumChainID == 0 {
            out.append(.init(key: "koinos.watcher.ethereum_chain_id", message: "must be set for v2 (the Ethereum contract's chainId)"))
        }
        return out
    }

    /// The watcher's typed settings; nil when disabled. `tokens`: Ethereum token → Koinos token.
    func typedKoinosWatcher(profile: ContractProfile, chainID: [UInt8], bridge: [UInt8], ethereumContract: [UInt8],
                            tokens: [[UInt8]: [UInt8]]) -> KoinosLockWatcherConfiguration? {
        guard koinosWatcher.enabled else { return nil }
        let reversed = Dictionary(tokens.map { ($0.value, $0.key) }, uniquingKeysWith: { first, _ in first })
        let judge = KoinosLockJudge.Configuration(
            profile: profile, tokens: reversed, ethereumBridge: ethereumContract, ethereumChainID: koinosWatcher.ethereumChainID,
            signatureLifetimeMs: koinos.signatureLifetimeMs)
        return KoinosLockWatcherConfiguration(
            bridgeContract: bridge, chainID: chainID, judge: judge, startHeight: koinosWatcher.startHeight,
            maxBlocksPerWindow: UInt32(clamping: koinosWatcher.maxBlocksPerWindow), pollIntervalMs: koinosWatcher.pollIntervalMs,
            agreement: KoinosEndpointAgreement(rawValue: koinosWatcher.agreement) ?? (koinos.extraRPC.isEmpty ? .failover : .twoAgree))
    }
}
