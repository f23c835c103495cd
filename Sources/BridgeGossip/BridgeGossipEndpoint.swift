// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import CoreMetrics
import Synchronization
import Primitives

/// The bridge protocol plugin's core: signs and batches outbound messages, validates inbound ones
/// (sender bound by heartbeat and in the validator set, every signature recovering to its claimed
/// validator, sizes, timestamps, per-peer rate limits) and implements `AttestationGossip`.
///
/// Independent of libp2p: a `BridgeGossipTransport` moves the bytes. The libp2p adapter calls
/// `receive(_:from:)` from the gossipsub topic validator and `answerCatchUp(_:from:)` from the
/// stream handler.
public final class BridgeGossipEndpoint: AttestationGossip {
    let signer: any AttestationSigner
    let verifier: any SignatureVerifier
    let hashing: any DigestHashing
    let clock: any BridgeClock
    let transport: any BridgeGossipTransport
    public let configuration: BridgeGossipConfiguration
    let settled: (any SettledDigestLookup)?
    let attestationSource: (@Sendable (UInt64, Int) async -> [SignatureSet])?
    let state: Mutex<State>
    let metrics = GossipEndpointMetrics()

    struct State: Sendable {
        var validators: ValidatorSet
        /// Validator address → (peer id, heartbeat timestamp) from its latest valid heartbeat.
        var bindings: [[UInt8]: (peer: String, timestamp: UInt64)] = [:]
        var limiter = PeerRateLimiter()
        var seen: SeenEnvelopes
        var itemBudget = ValidatorItemBudget()
        var catchUpNonces: CatchUpNonces
        var ownDigests: OwnDigests
        var counts: [String: Int] = [:]
        var continuation: AsyncStream<InboundGossip>.Continuation?
        var adminContinuations: [AdminChain: AsyncStream<InboundAdminProposal>.Continuation] = [:]
        var koinosInbox: KoinosSignatureInbox
        /// This node's own Koinos → Ethereum signatures of some digests (set by the Koinos lock side).
        var koinosSignatureSource: (@Sendable ([[UInt8]]) async -> [GossipedKoinosSignature])?
        var publishedBytes = 0
        var publishedMessages = 0
    }

    /// - Parameters:
    ///   - settled: digests that need no more signatures; their items are dropped before verification.
    ///   - attestationSource: answers catch-up requests: quorum sets since a time, at most a count
    ///     (async: a store read, off the cooperative pool).
    public init(
        signer: any AttestationSigner, verifier: any SignatureVerifier, hashing: any DigestHashing, clock: any BridgeClock,
        validators: ValidatorSet, transport: any BridgeGossipTransport, configuration: BridgeGossipConfiguration = .init(),
        settled: (any SettledDigestLookup)? = nil, attestationSource: (@Sendable (UInt64, Int) async -> [SignatureSet])? = nil
    ) {
        self.signer = signer
        self.verifier = verifier
        self.hashing = hashing
        self.clock = clock
        self.transport = transport
        self.configuration = configuration
        self.settled = settled
        self.attestationSource = attestationSource
        self.state = Mutex(State(
            validators: validators, seen: SeenEnvelopes(capacity: configuration.replayWindowCapacity),
            catchUpNonces: CatchUpNonces(capacity: configuration.catchUpNonceCapacity),
            ownDigests: OwnDigests(capacity: configuration.ownDigestCapacity),
            koinosInbox: KoinosSignatureInbox(capacity: configuration.koinosInboxCapacity, perValidator: configuration.koinosInboxPerValidator)))
    }

    public func updateValidators(_ set: ValidatorSet) {
        state.withLock { s in
            s.validators = set
            s.itemBudget.retain { set.contains($0) }
        }
    }

    /// Count of outcomes by "accept" or reason (for tests and diagnostics).
    public func outcomeCounts() -> [String: Int] { state.withLock { $0.counts } }

    /// Bytes and messages this endpoint published.
    public func publishedTotals() -> (bytes: Int, messages: Int) { state.withLock { ($0.publishedBytes, $0.publishedMessages) } }

    /// The peer id a validator is bound to, if any.
    public func boundPeer(of validator: [UInt8]) -> String? { state.withLock { $0.bindings[validator]?.peer } }

    public func inboundMessages() -> AsyncStream<InboundGossip> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: InboundGossip.self, bufferingPolicy: .bufferingOldest(BridgeGossipConfiguration.inboundBufferSize))
        state.withLock { $0.continuation = continuation }
        return stream
    }

    /// Validates one message from the topic; accepted content is also yielded to `inboundMessages()`.
    public func receive(_ bytes: [UInt8], from peer: String) -> BridgeValidationResult {
        let result = validate(bytes, from: peer, requireBinding: true)
        record(result)
        return result
    }

    /// Counts a catch-up verdict as `catch_up.answered` / `catch_up.ignore.<reason>` / `catch_up.reject.<reason>`.
    func record(_ verdict: CatchUpAdmission) {
        switch verdict {
        case .accept: record(.accept([]), yield: false, prefix: "catch_up.", acceptKey: "answered")
        case .ignore(let reason): record(.ignore(reason), yield: false, prefix: "catch_up.")
        case .reject(let reason): record(.reject(reason), yield: false, prefix: "catch_up.")
        }
    }

    func record(_ result: BridgeValidationResult, yield: Bool = true, prefix: String = "", acceptKey: String = "accept") {
        var key = prefix
        switch result {
        case .accept: key += acceptKey
        case .acceptLocally: key += "accept_locally"
        case .ignore(let reason):
            key += "ignore." + reason.rawValue
            metrics.ignored(reason).increment()
        case .reject(let reason):
            key += "reject." + reason.rawValue
            metrics.rejected(reason).increment()
        }
        let continuation = state.withLock { s -> AsyncStream<InboundGossip>.Continuation? in
            s.counts[key, default: 0] += 1
            return s.continuation
        }
        guard yield, let items = result.inbound, let continuation else { return }
        for item in items {
            if case .dropped = continuation.yield(item) {
                metrics.dropped(.inbound).increment()
            }
        }
    }
}
