// SPDX-License-Identifier: Apache-2.0

/// One validator's signature over one observation's digest, as it travels between validators.
public struct SignedObservation: Sendable, Hashable {
    public var observationID: ObservationID
    public var profile: ContractProfile
    /// sha256 of the Koinos-bound message (32 bytes).
    public var digest: [UInt8]
    public var signature: ValidatorSignature

    public init(observationID: ObservationID, profile: ContractProfile, digest: [UInt8], signature: ValidatorSignature) {
        self.observationID = observationID
        self.profile = profile
        self.digest = digest
        self.signature = signature
    }
}

/// A set of signatures over one digest: a quorum certificate when it holds Q(N) current validators.
public struct SignatureSet: Sendable, Hashable {
    public var observationID: ObservationID
    public var profile: ContractProfile
    public var digest: [UInt8]
    public var signatures: [ValidatorSignature]

    public init(observationID: ObservationID, profile: ContractProfile, digest: [UInt8], signatures: [ValidatorSignature]) {
        self.observationID = observationID
        self.profile = profile
        self.digest = digest
        self.signatures = signatures
    }
}

/// A validator's signed liveness announcement, binding its network peer id to its validator key.
public struct ValidatorHeartbeat: Sendable, Hashable {
    /// Koinos address (25 bytes) of the validator key that signed the heartbeat.
    public var validator: [UInt8]
    /// Text form of the libp2p peer id the validator gossips from.
    public var peerID: String
    public var softwareVersion: String
    /// Highest Ethereum block the validator's watcher has scanned.
    public var ethereumCursor: UInt64
    public var timestampMilliseconds: UInt64

    public init(validator: [UInt8], peerID: String, softwareVersion: String, ethereumCursor: UInt64, timestampMilliseconds: UInt64) {
        self.validator = validator
        self.peerID = peerID
        self.softwareVersion = softwareVersion
        self.ethereumCursor = ethereumCursor
        self.timestampMilliseconds = timestampMilliseconds
    }
}

/// What the gossip layer hands to the aggregator, after validation (every signature recovered to
/// its claimed validator, sender bound and in the current set — except `unverifiedSignatures`).
public enum InboundGossip: Sendable, Hashable {
    case signatures([SignedObservation])
    /// One validator's signatures whose batch envelope recovered to it (sender authenticated and
    /// bound) but whose own signatures were not recovered yet: the aggregator recovers those it
    /// needs, lowest addresses first, and never counts one that does not recover.
    case unverifiedSignatures([SignedObservation])
    case observationRequest(ObservationID, requester: [UInt8])
    case attestations([SignatureSet])
    case heartbeat(ValidatorHeartbeat)
}

/// The validators' broadcast medium (gossipsub topic `plugin.bridge` in production).
///
/// Implementations sign every message with the validator key, batch and cap sizes, and validate
/// everything inbound before it reaches `inboundMessages()`.
public protocol AttestationGossip: Sendable {
    /// Our own signatures (first broadcast and retries); sent as size-capped batches.
    func publish(signatures: [SignedObservation]) async
    /// Asks the other validators to re-observe these lock events.
    func publish(observationRequests: [ObservationID]) async
    /// Quorum-complete signature sets, so late validators can store them.
    func publish(attestations: [SignatureSet]) async
    /// Validated inbound messages; one consumer.
    func inboundMessages() -> AsyncStream<InboundGossip>
    /// Asks peers directly for quorum sets reached since `sinceMilliseconds` (catch-up after a restart).
    func fetchMissedAttestations(sinceMilliseconds: UInt64) async -> [SignatureSet]
}

/// Asks the local Ethereum watcher to look at a lock event again (another validator requested it).
public protocol ReobservationRequester: Sendable {
    func requestReobservation(of id: ObservationID) async
}
