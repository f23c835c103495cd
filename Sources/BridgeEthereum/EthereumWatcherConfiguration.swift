// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import ChainCrypto
import Foundation

/// Everything the Ethereum watcher needs besides its endpoints and database.
public struct EthereumWatcherConfiguration: Sendable {
    /// The EVM chain id every endpoint must serve.
    public var chainID: UInt64
    /// The bridge contract (20 bytes).
    public var contract: [UInt8]
    public var profile: ContractProfile
    public var finality: FinalityMode
    /// Where to start when no cursor is stored yet (usually the contract's deployment block).
    public var startBlock: UInt64
    /// Largest `eth_getLogs` window in blocks (Wormhole uses 5,000; Hyperlane 1,999).
    public var maxWindow: UInt64 = 2_000
    /// Pause between polls once caught up.
    public var pollInterval: Duration = .seconds(3)
    /// Pause after a failed poll or scan.
    public var errorBackoff: Duration = .seconds(1)
    /// How many times a range is rescanned when a receipt is missing or in another block, before
    /// the log is dropped for good (the cursor must never get stuck).
    public var maxRecheckAttempts = 3
    /// Each committed observation's block is read again once the final block is this far past it;
    /// a different hash means a reorganisation deeper than the finality rule (0 disables).
    public var deepReorgCheckDepth: UInt64 = 64
    /// A head that stops moving this long while another endpoint's advances demotes its endpoint.
    public var stallMs: UInt64 = 30_000
    /// During a catch-up, scan window k+1 while window k is judged and committed (one window
    /// ahead; discarded when the endpoint, the final block or the chain changed meanwhile).
    public var readAhead = true
    /// Log an error when the final block has not moved for this long (a stalled `finalized` tag).
    public var finalityStallWarningMs: UInt64 = 15 * 60_000
    /// Ethereum token → Koinos token; nil = no token list.
    public var tokens: [[UInt8]: [UInt8]]?
    /// The Koinos bridge contract id (25 bytes), to build the messages validators sign.
    public var koinosContract: [UInt8]?
    public var signatureLifetimeMs: UInt64 = 7 * 24 * 3_600_000

    public init(chainID: UInt64, contract: [UInt8], profile: ContractProfile, finality: FinalityMode = .finalized, startBlock: UInt64 = 0) {
        self.chainID = chainID
        self.contract = contract
        self.profile = profile
        self.finality = finality
        self.startBlock = startBlock
    }

    /// The cursor's row name: one cursor per (chain, contract).
    public var cursorName: String { "eth:\(chainID):\(ChainHex.encode(contract))" }

    var judgeConfiguration: ObservationJudge.Configuration {
        ObservationJudge.Configuration(profile: profile, chainID: chainID, tokens: tokens, koinosContract: koinosContract,
                                       signatureLifetimeMs: signatureLifetimeMs)
    }
}
