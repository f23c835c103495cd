// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
public import BridgeSigning
public import ChainCrypto

/// Settings of the Ethereum sender (`ethereum.relayer` in the node configuration).
///
/// Fees are wei per gas; times are milliseconds of the injected `BridgeClock`.
public struct EthereumSenderConfiguration: Sendable {
    /// Which transfers the node sends: `own` = v2 transfers naming this node as relayer (or
    /// recipient) and, for v1, its turn in the rotation; `none` = watch only, never send.
    public enum Policy: String, Sendable, Hashable, CaseIterable { case own, none }

    /// When a transaction counts as final.
    public enum Finality: Sendable, Hashable {
        /// `n` blocks deep: head − block + 1 ≥ n.
        case confirmations(UInt64)
        /// At or below the node's `finalized` block.
        case finalizedTag
    }

    /// The bridge contract (20 bytes) and the generation deployed there.
    public var bridge: [UInt8]
    public var profile: ContractProfile
    /// The EVM chain id signed into transactions (not the bridge's uint32 chain id).
    public var chainID: UInt64
    /// The key that signs and pays (the validator's key in its Ethereum form).
    public let key: Secp256k1.PrivateKey
    /// Its Ethereum address (sender of our transactions, our place in the rotation).
    public let address: [UInt8]
    public var policy: Policy = .own
    /// Fee caps: no transaction, bumps included, ever offers more.
    public var maxFeePerGas: UInt64
    public var maxPriorityFeePerGas: UInt64
    /// The tip offered when the node suggests none (`eth_maxPriorityFeePerGas` unsupported), capped.
    public var defaultPriorityFeePerGas: UInt64 = 1_000_000_000
    public var finality: Finality = .confirmations(3)
    /// A transaction without a receipt this long after it was sent is re-sent at the same nonce
    /// with both fees raised by `bumpPercent` (at least 10 %, the replacement rule of geth), capped.
    public var bumpAfterMs: UInt64 = 60_000
    public var bumpPercent: UInt64 = 12
    /// Gas limit = estimate × (100 + gasMarginPercent) / 100.
    public var gasMarginPercent: UInt64 = 25
    /// How long each node in the rotation has before the next one takes over (v1, and v2 when
    /// several nodes may send).
    public var takeoverTimeoutMs: UInt64 = 120_000
    /// How often a transfer this node does not send is re-checked for completion.
    public var recheckIntervalMs: UInt64 = 10_000
    public var pollIntervalMs: UInt64 = 2_000
    /// Refusals and reverts are retried after the backoff, at most `maxAttempts` times in all.
    public var backoff = SubmissionBackoff(baseMs: 30_000, maxMs: 600_000)
    public var maxAttempts = 3
    public var batchLimit = 200

    public init(
        bridge: [UInt8], profile: ContractProfile, chainID: UInt64, key: Secp256k1.PrivateKey, maxFeePerGas: UInt64, maxPriorityFeePerGas: UInt64
    ) {
        self.bridge = bridge
        self.profile = profile
        self.chainID = chainID
        self.key = key
        self.address = EthereumAddress(publicKey: key.publicKey).bytes
        self.maxFeePerGas = maxFeePerGas
        self.maxPriorityFeePerGas = maxPriorityFeePerGas
    }
}
