// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import ChainCrypto
public import Ethereum
public import Logging
public import ServiceLifecycle
import Synchronization

/// The relayer's Ethereum sender: delivers quorum-complete Koinos → Ethereum transfers with
/// `completeTransfer`.
///
/// Each pass (`tick`) reads the deliverable transfers and performs, per transfer, the step
/// `EthereumSubmissionPlanner` decides: asks `isTransferCompleted` first (completed → recorded,
/// nothing sent); estimates gas (a revert such as "invalid signatures" is recorded as the
/// failure's reason and nothing is sent); signs an EIP-1559 transaction with the node's nonce
/// (the pending count, kept locally, resynced on a conflict) and fees within the caps; follows
/// the receipts of every transaction at that nonce until final; replaces a stuck one at the same
/// nonce with both fees raised; records reverts with the contract's reason. One node sends at a
/// time (`SubmitterRotation` for v1, the relayer rule for v2).
///
/// Every endpoint is an `EthereumChain` port behind an `EndpointPool`: `EthereumRPCClient` in
/// production, `ScriptedEthereumChain` in the process-free tests (`SenderScriptedChainTests`).
public final class EthereumSender: Service, Sendable {
    let configuration: EthereumSenderConfiguration
    /// Every Ethereum endpoint, with failover for reads and a transaction sent to each (`EthereumSenderEndpoints`).
    let rpc: EthereumSenderEndpoints
    var reader: EthereumSenderEndpoints { rpc }
    let store: any EthereumDeliveryStore
    let clock: any BridgeClock
    let logger: Logger
    let metrics = EthereumSenderMetrics()
    let random: @Sendable () -> Double
    let nonce = Mutex<UInt64?>(nil)
    let validatorCache = Mutex<(set: ValidatorSet, readAtMs: UInt64)?>(nil)
    /// How often the validator set is re-read from the contract.
    let validatorRefreshMs: UInt64

    /// A sender over one endpoint (`EthereumRPCClient` in production, a scripted chain in tests).
    public convenience init(
        configuration: EthereumSenderConfiguration, rpc: any EthereumChain, store: any EthereumDeliveryStore, clock: any BridgeClock,
        validatorRefreshMs: UInt64 = 60_000, logger: Logger = Logger(label: "bridge.ethereum.sender"),
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        let pool = EndpointPool(clients: [rpc], expectedChainID: configuration.chainID, clock: clock, logger: logger)
        self.init(configuration: configuration, pool: pool, store: store, clock: clock, validatorRefreshMs: validatorRefreshMs, logger: logger, random: random)
    }

    /// A sender over every endpoint of `pool` (its `expectedChainID` is the EVM chain id signed into transactions).
    public init(
        configuration: EthereumSenderConfiguration, pool: EndpointPool, store: any EthereumDeliveryStore, clock: any BridgeClock,
        validatorRefreshMs: UInt64 = 60_000, logger: Logger = Logger(label: "bridge.ethereum.sender"),
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.configuration = configuration
        self.rpc = EthereumSenderEndpoints(pool: pool, bridge: configuration.bridge)
        self.store = store
        self.clock = clock
        self.validatorRefreshMs = validatorRefreshMs
        self.logger = logger
        self.random = random
    }

    /// Passes every `pollIntervalMs` until cancelled or graceful shutdown.
    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.tick()
                try await Task.sleep(for: .milliseconds(Int64(clamping: self.configuration.pollIntervalMs)))
            }
        }
    }

    /// One pass over the deliverable transfers.
    public func tick() async {
        let work: [CompletableTransfer]
        do {
            work = try await store.deliverableTransfers(limit: configuration.batchLimit)
        } catch {
            logger.error("Cannot read deliverable transfers", metadata: ["error": "\(error)"])
            return
        }
        guard !work.isEmpty else { return }
        let validators: ValidatorSet
        do {
            validators = try await currentValidators()
        } catch {
            metrics.failed("validator_sync")
            logger.warning("Cannot read the bridge's validator set", metadata: ["error": "\(error)"])
            return
        }
        for transfer in work where !Task.isCancelled {
            await handle(transfer, validators: validators)
        }
    }

    /// The contract's validator set, re-read every `validatorRefreshMs`.
    func currentValidators() async throws -> ValidatorSet {
        let now = clock.nowMilliseconds
        if let cached = validatorCache.withLock({ $0 }), now < cached.readAtMs &+ validatorRefreshMs { return cached.set }
        let set = try await reader.validators()
        validatorCache.withLock { $0 = (set, now) }
        return set
    }

    /// The nonce for our next transaction: the local counter, else the node's pending count.
    func takeNonce() async throws -> UInt64 {
        if let n = nonce.withLock({ $0 }) { return n }
        let n = try await rpc.transactionCount(address: configuration.address, pending: true)
        nonce.withLock { $0 = n }
        return n
    }

    func resyncNonce() { nonce.withLock { $0 = nil } }

    func advanceNonce(after used: UInt64) { nonce.withLock { $0 = max($0 ?? 0, used &+ 1) } }
}
