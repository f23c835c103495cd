// SPDX-License-Identifier: Apache-2.0
import BridgeCore
public import BridgeEthereum
public import ChainCrypto

extension BridgeNodeConfiguration {
    /// `ethereum.relayer.*`: the Koinos → Ethereum sender. It signs and pays with the validator's
    /// keystore key (its Ethereum address); there is no separate key.
    public struct EthereumRelayer: Sendable, Hashable {
        /// `own` or `none`.
        public var policy: String = "own"
        public var maxFeeGwei: UInt64 = 100
        public var maxPriorityFeeGwei: UInt64 = 2
        /// Blocks on top of ours before a completion counts as final; 0 = the node's `finalized` block.
        public var confirmations: UInt64 = 0
    }

    static func readEthereumRelayer(_ r: ConfigReader) -> EthereumRelayer {
        let d = EthereumRelayer()
        var out = EthereumRelayer()
        out.policy = r.string("ethereum.relayer.policy", default: d.policy)
        out.maxFeeGwei = r.uint64("ethereum.relayer.max_fee_gwei", default: d.maxFeeGwei)
        out.maxPriorityFeeGwei = r.uint64("ethereum.relayer.max_priority_fee_gwei", default: d.maxPriorityFeeGwei)
        out.confirmations = r.uint64("ethereum.relayer.confirmations", default: d.confirmations)
        return out
    }

    /// Highest fee cap accepted (gwei per gas): far above any real fee, and × 10⁹ fits 64 bits.
    static let maxFeeCapGwei: UInt64 = 1_000_000

    func ethereumRelayerProblems() -> [ConfigurationProblem] {
        var out: [ConfigurationProblem] = []
        let r = ethereumRelayer
        if !["own", "none"].contains(r.policy) {
            out.append(.init(key: "ethereum.relayer.policy", message: "must be own or none, got \(ConfigChecks.quoted(r.policy))"))
        }
        if !(1...Self.maxFeeCapGwei).contains(r.maxFeeGwei) {
            out.append(.init(key: "ethereum.relayer.max_fee_gwei", message: "must be between 1 and \(Self.maxFeeCapGwei)"))
        }
        if !(1...Self.maxFeeCapGwei).contains(r.maxPriorityFeeGwei) {
            out.append(.init(key: "ethereum.relayer.max_priority_fee_gwei", message: "must be between 1 and \(Self.maxFeeCapGwei)"))
        } else if (1...Self.maxFeeCapGwei).contains(r.maxFeeGwei), r.maxPriorityFeeGwei > r.maxFeeGwei {
            out.append(.init(key: "ethereum.relayer.max_priority_fee_gwei", message: "must not exceed ethereum.relayer.max_fee_gwei (\(r.maxFeeGwei))"))
        }
        return out
    }

    func typedEthereumRelayer() -> ValidatedConfiguration.EthereumRelayer? {
        let r = ethereumRelayer
        guard let policy = EthereumSenderConfiguration.Policy(rawValue: r.policy), (1...Self.maxFeeCapGwei).contains(r.maxFeeGwei),
            (1...r.maxFeeGwei).contains(r.maxPriorityFeeGwei)
        else { return nil }
        return ValidatedConfiguration.EthereumRelayer(
            policy: policy, maxFeePerGas: r.maxFeeGwei * 1_000_000_000, maxPriorityFeePerGas: r.maxPriorityFeeGwei * 1_000_000_000,
            finality: r.confirmations == 0 ? .finalizedTag : .confirmations(r.confirmations))
    }
}

extension ValidatedConfiguration {
    /// `ethereum.relayer.*`, typed (fees in wei per gas).
    public struct EthereumRelayer: Sendable, Hashable {
        public var policy: EthereumSenderConfiguration.Policy
        public var maxFeePerGas: UInt64
        public var maxPriorityFeePerGas: UInt64
        public var finality: EthereumSenderConfiguration.Finality

        public init(policy: EthereumSenderConfiguration.Policy, maxFeePerGas: UInt64, maxPriorityFeePerGas: UInt64, finality: EthereumSenderConfiguration.Finality) {
            self.policy = policy
            self.maxFeePerGas = maxFeePerGas
            self.maxPriorityFeePerGas = maxPriorityFeePerGas
            self.finality = finality
        }

        public static let defaults = EthereumRelayer(policy: .own, maxFeePerGas: 100_000_000_000, maxPriorityFeePerGas: 2_000_000_000, finality: .finalizedTag)
    }

    /// The sender's settings for this node: its bridge, profile and chain from `ethereum.*`, the
    /// validator's key, and `ethereum.relayer.*`.
    public func ethereumSenderConfiguration(validatorKey: Secp256k1.PrivateKey) -> EthereumSenderConfiguration {
        var c = EthereumSenderConfiguration(
            bridge: ethereum.contract.bytes, profile: ethereum.profile, chainID: ethereum.chainID, key: validatorKey,
            maxFeePerGas: ethereumRelayer.maxFeePerGas, maxPriorityFeePerGas: ethereumRelayer.maxPriorityFeePerGas)
        c.policy = ethereumRelayer.policy
        c.finality = ethereumRelayer.finality
        c.defaultPriorityFeePerGas = min(c.defaultPriorityFeePerGas, c.maxPriorityFeePerGas)
        return c
    }
}
