// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
public import BridgeSigning
public import ChainCrypto

/// Settings of the Koinos submitter.
///
/// Times are milliseconds of the injected `BridgeClock`.
public struct KoinosSubmitterConfiguration: Sendable {
    /// The bridge contract id (25 bytes).
    public var bridgeContract: [UInt8]
    /// The contract generation deployed there.
    public var profile: ContractProfile
    /// The key that pays for and signs `complete_transfer` transactions (the node's Koinos key).
    public var payerKey: Secp256k1.PrivateKey
    /// Our validator address for the rotation (default: the payer's address).
    public var validatorAddress: [UInt8]
    /// v2: keys of recipients this node may claim for (the contract accepts the relayer's or the
    /// recipient's signature). Empty by default: the node then submits only transfers whose
    /// relayer is its own address.
    public var recipientKeys: [Secp256k1.PrivateKey] = []
    /// False: watch-only (`koinos.relayer_policy: none`): the node never sends a transaction and
    /// only notices when someone else completes a transfer.
    public var sendsTransactions = true
    /// Validators used until the contract has been read (tests, or Koinos unreachable at boot).
    public var fallbackValidators: [[UInt8]] = []
    /// Upper bound of `rc_limit`; the limit is min(account rc, this).
    public var rcLimitCap: UInt64 = 500_000_000
    /// Below this much mana the submission waits (mana exhausted) instead of failing on-chain.
    public var minimumRC: UInt64 = 1_000_000
    /// How long each submitter in the rotation has before the next one takes over.
    public var takeoverTimeoutMs: UInt64 = 60_000
    /// Pause between two passes over the stored quorum attestations.
    public var pollIntervalMs: UInt64 = 1_000
    /// How often the validator set is re-read from the contract.
    public var validatorRefreshIntervalMs: UInt64 = 60_000
    /// A submitted transaction not included after this long is checked and, if the transfer is
    /// still not completed, sent again with a fresh nonce (the mempool drops it after 120 s).
    public var inclusionTimeoutMs: UInt64 = 60_000
    /// How often a transfer we do not submit ourselves (not our turn, relayer rule) is re-checked.
    public var recheckIntervalMs: UInt64 = 10_000
    /// While waiting for its turn in the rotation, how often a node asks whether the transfer was
    /// completed meanwhile (its API then shows `completed` within this, not at its own turn).
    public var turnRecheckIntervalMs: UInt64 = 2_000
    /// Backoff after failures (mana, node unreachable, rejection).
    public var backoff = SubmissionBackoff()
    /// Maximum observations of each kind read per pass: not sent yet, and in flight (sent, waiting
    /// for a block or for its irreversibility). Read together, the in-flight ones of a burst filled
    /// the read and hid the rest while the mempool had room.
    public var batchLimit = 500
    /// At most this many of our transactions wait in the mempool at once: the Koinos mempool refuses
    /// more per account (`pending_transaction_limit_exceeded`, default 10). A burst of transfers at
    /// quorum is sent as room frees up, instead of failing and backing off.
    public var maxPendingTransactions = 10
    /// At most this many `complete_transfer` operations in one transaction (1: one transfer per
    /// transaction). With the per-account mempool limit, a burst then needs a tenth as many blocks.
    public var maxTransfersPerTransaction = 20
    /// At most this many bytes of `complete_transfer` arguments in one transaction (about 600 per
    /// transfer with 5 signatures; the simulator's block network limit is 1 MiB).
    public var maxTransactionBytes = 65_536

    /// - Parameters:
    ///   - bridgeContract: the Koinos bridge contract id (25 bytes).
    ///   - profile: v1 or v2 contract layouts.
    ///   - payerKey: the node's Koinos key (pays mana, signs transactions).
    public init(bridgeContract: [UInt8], profile: ContractProfile, payerKey: Secp256k1.PrivateKey) {
        self.bridgeContract = bridgeContract
        self.profile = profile
        self.payerKey = payerKey
        self.validatorAddress = KoinosAddress(publicKey: payerKey.publicKey).bytes
    }

    /// The payer's Koinos address.
    public var payerAddress: [UInt8] { KoinosAddress(publicKey: payerKey.publicKey).bytes }
}
