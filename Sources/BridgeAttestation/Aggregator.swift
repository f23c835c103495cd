// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
public import Logging
import CoreMetrics
public import ServiceLifecycle

/// The aggregation service: signs new observations, gossips, collects peers' signatures into
/// quorum sets and persists everything.
///
/// It drives an `AttestationPool` through ports only (store, signer, gossip, clock). Each step is
/// callable on its own (`restore`, `signPending`, `handle`, `tick`, `flush`) so tests and the
/// in-process benchmark run it without sleeping; `run()` is the production loop around them.
public actor Aggregator: Service {
    let repository: any AttestationRepository
    let signer: any AttestationSigner
    let gossip: any AttestationGossip
    let clock: any BridgeClock
    let reobservation: (any ReobservationRequester)?
    let hashing: (any DigestHashing)?
    /// Recovers the peer signatures the gossip layer handed over unverified; without it they never count.
    let verifier: (any SignatureVerifier)?
    /// Where batches of recoveries and signatures run: off the cooperative pool.
    let crypto = AggregatorCryptoQueue()
    /// nil: every observation is signed at once.
    let governor: AggregatorGovernor?
    let configuration: AggregatorConfiguration
    let logger: Logger
    let metrics = AggregatorMetrics()
    /// Digests that need no more signatures; shared with the gossip validation path.
    public nonisolated let settled = SettledDigests()
    var pool: AttestationPool
    var outboundSignatures: [SignedObservation] = []
    /// When each validator's last heartbeat arrived (validated heartbeats come only from set members).
    var lastHeartbeatMilliseconds: [[UInt8]: UInt64] = [:]
    /// A validator silent this long and heard again is treated as rejoined (the node sends its heartbeat every 10 s: `BridgeNode.heartbeatInterval`).
    static let rejoinSilenceMilliseconds: UInt64 = 60_000
    var outboundRequests: [ObservationID] = []
    var outboundAttestations: [SignatureSet] = []
    /// Where catch-up starts: the last stored quorum time minus a margin (set by `restore()`).
    var catchUpSince: UInt64 = 0
    /// Whether our key was in the validator set at the last signing round (nil before the first).
    var wasMember: Bool?

    /// - Parameters:
    ///   - hashing: when given, `sha256(message) == digest` is re-checked before signing.
    ///   - verifier: recovers `InboundGossip.unverifiedSignatures` (hold-and-verify); needed when the
    ///     gossip layer defers item recovery.
    public init(
        repository: any AttestationRepository, signer: any AttestationSigner, gossip: any AttestationGossip,
        clock: any BridgeClock, validators: ValidatorSet, configuration: AggregatorConfiguration = .init(),
        reobservation: (any ReobservationRequester)? = nil, hashing: (any DigestHashing)? = nil,
        verifier: (any SignatureVerifier)? = nil,
        governor: AggregatorGovernor? = nil, logger: Logger = Logger(label: "bridge.aggregator")
    ) {
        self.repository = repository
        self.signer = signer
        self.gossip = gossip
        self.clock = clock
        self.reobservation = reobservation
        self.hashing = hashing
        self.verifier = verifier
        self.governor = governor.flatMap { $0.policy.isEmpty ? nil : $0 }
        self.configuration = configuration
        self.logger = logger
        self.pool = AttestationPool(validators: validators, configuration: configuration.pool)
    }

    /// The production loop: restore, then consume gossip and run the signing/timer loop until shutdown.
    public func run() async throws {
        try await restore()
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await message in self.gossip.inboundMessages() { await self.handle(message) }
                }
                group.addTask {
                    var rounds = 0
                    while !Task.isCancelled {
                        await self.step()
                        rounds += 1
                        // Connections come up after start: ask again once peers are likely there.
                        if self.configuration.catchUpRetryRounds.contains(rounds) { await self.catchUp() }
                        try? await Task.sleep(for: self.configuration.tickInterval)
                    }
                }
                await group.next()
                group.cancelAll()
            }
        }
        await flush()
    }

    /// One service round: sign what the watcher stored, advance timers, flush gossip.
    public func step() async {
        do {
            while try await signPending() == configuration.signingBatchSize {}
            if governor != nil { try await recordGovernorMetrics() }
        } catch {
            metrics.storeErrors.increment()
            logger.error("Signing round failed", metadata: ["error": "\(error)"])
        }
        await tick()
    }

    /// Replaces the validator set (e.g. after the contract's set changed).
    public func updateValidators(_ set: ValidatorSet) async {
        await perform(pool.updateValidators(set, atMilliseconds: clock.nowMilliseconds))
    }

    /// Quorum record for `digest` while it is in memory (inspection and tests).
    public func quorum(for digest: [UInt8]) -> QuorumRecord? { pool.quorum(for: digest) }

    /// Counted signatures for `digest` while it is in memory.
    public func signatures(for digest: [UInt8]) -> [ValidatorSignature] { pool.signatures(for: digest) }

    /// Validators caught equivocating on `id`.
    public func equivocators(for id: ObservationID) -> Set<[UInt8]> { pool.equivocators(for: id) }

    public var pendingEntries: Int { pool.entryCount }
}
