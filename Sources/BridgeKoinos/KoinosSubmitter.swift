// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
public import Koinos
public import Logging
import Metrics
import Primitives
public import ServiceLifecycle
import Synchronization

/// The Koinos submitter: turns stored quorum attestations into `complete_transfer` transactions.
///
/// Each pass (`tick`) reads the observations in status `quorum`/`submitted` and, per observation:
/// skips it until our turn in the `SubmitterRotation` (or always, when the v2 relayer is us); asks
/// `get_transfer_status` first (completed → marked `completed`, nothing sent); sends exactly the
/// contract-minimal signature set (`Attestation.submissionSet`, after re-checking every signature);
/// picks `rc_limit` from the account's mana with a cap; keeps the nonce locally and resyncs it from
/// the mempool on a conflict; then follows the transaction until a block includes it and the
/// contract reports the transfer completed. Failures (mana exhausted, node unreachable, rejected)
/// back off with jitter, count in `bridge_koinos_failures_total{reason}` and leave their reason in
/// the `submission` row; nothing is dropped.
///
/// The decisions are pure (`SubmissionPlanner`, `SubmissionFailure`); this class performs them
/// through two ports: `KoinosChain` (the node) and `SubmissionQueue` (the store).
public final class KoinosSubmitter: Service, Sendable {
    let configuration: KoinosSubmitterConfiguration
    let chain: any KoinosChain
    let queue: any SubmissionQueue
    let clock: any BridgeClock
    let validators: KoinosValidatorSetSync
    let logger: Logger
    let metrics = KoinosSubmitterMetrics()
    let random: @Sendable () -> Double
    let nonce = Mutex<UInt64?>(nil)
    let chainID = Mutex<[UInt8]?>(nil)
    /// The head read in this pass (finality checks of several transfers share one `get_head_info`).
    let passHead = Mutex<KoinosHeadInfo?>(nil)

    /// - Parameters:
    ///   - configuration: keys, contract, limits and timers.
    ///   - chain: the Koinos node (the port; `KoinosRPCClient` in production).
    ///   - queue: where quorum attestations are read and submission progress is written.
    ///   - clock: injected time (rotation, backoff, inclusion timeouts).
    ///   - validators: the validator-set reader; by default one over `chain` with the configured fallback.
    ///   - random: jitter source in [0, 1).
    public init(
        configuration: KoinosSubmitterConfiguration, chain: any KoinosChain, queue: any SubmissionQueue, clock: any BridgeClock,
        validators: KoinosValidatorSetSync? = nil, logger: Logger = Logger(label: "bridge.koinos"),
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.configuration = configuration
        self.chain = chain
        self.queue = queue
        self.clock = clock
        self.logger = logger
        self.random = random
        self.validators = validators ?? KoinosValidatorSetSync(
            rpc: chain, bridge: configuration.bridgeContract, version: configuration.profile.koinosVersion,
            fallback: configuration.fallbackValidators, seeds: [configuration.validatorAddress], logger: logger)
    }

    /// Runs a pass whenever another stage commits an observation change (a transfer reached
    /// quorum), and at the latest every `pollIntervalMs` (the safety poll, which also paces the
    /// re-checks of in-flight transactions), until cancelled or graceful shutdown.
    ///
    /// The generation is read before the pass, so a quorum committed while it ran starts the next
    /// one at once. The pass's own observation writes (a row moving to `submitted` or `completed`,
    /// once per transition) also start one more pass, which finds nothing new; waiting rows are
    /// re-checked through the `submission` table, which does not signal.
    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            let poll = Duration.milliseconds(Int64(clamping: self.configuration.pollIntervalMs))
            while !Task.isCancelled {
                let seen = self.queue.observationCommits.generation
                await self.tick()
                await self.queue.observationCommits.wait(beyond: seen, upTo: poll)
                try Task.checkCancellation()
            }
        }
    }

    /// One pass: refresh the validator set when due, then handle every submittable observation.
    public func tick() async {
        passHead.withLock { $0 = nil }
        let now = clock.nowMilliseconds
        if validators.isDue(nowMs: now, intervalMs: configuration.validatorRefreshIntervalMs) {
            await refreshValidators(nowMs: now)
        }
        let work: [SubmittableObservation]
        do {
            work = try await queue.submittableObservations(limit: configuration.batchLimit)
        } catch {
            logger.error("Cannot read quorum attestations", metadata: ["error": "\(error)"])
            return
        }
        let included = await includedTransactions(work)
        var room = SubmissionPlanner(configuration: configuration).mempoolRoom(work, included: included)
        var slots = room * max(1, configuration.maxTransfersPerTransaction)
        var ready: [ReadyCompletion] = []
        var deferred = 0
        for observation in work where !Task.isCancelled {
            if await !handle(observation, included: included, slots: &slots, ready: &ready) { deferred += 1 }
        }
        deferred += await sendReady(ready, room: &room, now: clock.nowMilliseconds)
        if deferred > 0 {
            metrics.deferred(deferred)
            logger.debug("Transfers wait for room in the mempool", metadata: [
                "count": "\(deferred)", "koinos.pending.limit": "\(configuration.maxPendingTransactions)",
            ])
        }
    }

    /// Which of our in-flight transactions are in a block: one `get_transactions_by_id` per 100
    /// ids instead of one per observation. Nil when the node could not answer (each observation
    /// then asks on its own and records the failure).
    func includedTransactions(_ work: [SubmittableObservation]) async -> Set<[UInt8]>? {
        let inFlight = work.compactMap { o -> [UInt8]? in
            guard let s = o.submission, s.status == .submitted || s.status == .included else { return nil }
            return s.koinosTransactionID
        }
        guard !inFlight.isEmpty else { return [] }
        var included = Set<[UInt8]>()
        var start = 0
        while start < inFlight.count {
            let chunk = Array(inFlight[start..<min(start + 100, inFlight.count)])
            guard let items = try? await chain.transactionsByID(chunk) else { return nil }
            for item in items where !item.containingBlocks.isEmpty { included.insert(item.transactionID) }
            start += 100
        }
        return included
    }

    /// Re-reads the validator set now (also called when a revert names a non-validator).
    public func refreshValidators(nowMs: UInt64) async {
        do {
            try await validators.refresh(nowMs: nowMs)
        } catch {
            metrics.failed("validator_sync")
            logger.warning("Cannot read the validator set from the bridge contract", metadata: ["error": "\(error)"])
        }
    }

    /// The chain id, read once.
    func currentChainID() async throws(KoinosError) -> [UInt8] {
        if let id = chainID.withLock({ $0 }) { return id }
        let id = try await chain.chainID()
        chainID.withLock { $0 = id }
        return id
    }

    /// The chain head, read at most once per pass.
    func headInfoForPass() async throws(KoinosError) -> KoinosHeadInfo {
        if let head = passHead.withLock({ $0 }) { return head }
        let head = try await chain.headInfo()
        passHead.withLock { $0 = head }
        return head
    }

    /// The nonce for our next transaction: the local counter, or (pending, else state) + 1 after a resync.
    func takeNonce() async throws(KoinosError) -> UInt64 {
        if let n = nonce.withLock({ $0 }) { return n }
        let n = try await chain.nextNonce(configuration.payerAddress)
        nonce.withLock { $0 = n }
        return n
    }

    /// Forget the local nonce so the next transaction resyncs from the node.
    func resyncNonce() { nonce.withLock { $0 = nil } }

    /// The nonce `used` was accepted: the next one is used + 1.
    func advanceNonce(after used: UInt64) { nonce.withLock { $0 = used &+ 1 } }
}
