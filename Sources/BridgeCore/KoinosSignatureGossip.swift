// SPDX-License-Identifier: Apache-2.0

/// One validator's Ethereum-form signature (65-byte r‖s‖v) of a Koinos → Ethereum digest as it
/// travels between validators. `sender` is the validator (25-byte Koinos address) whose gossip
/// envelope carried it; inbound ones were checked to be signed by that same key.
public struct GossipedKoinosSignature: Sendable, Hashable {
    public var lock: KoinosLockID
    /// The EIP-191 digest signed (a re-signed lock with a new expiration has a new digest).
    public var digest: [UInt8]
    public var signature: [UInt8]
    public var sender: [UInt8]

    public init(lock: KoinosLockID, digest: [UInt8], signature: [UInt8], sender: [UInt8]) {
        self.lock = lock
        self.digest = digest
        self.signature = signature
        self.sender = sender
    }
}

/// Koinos → Ethereum signatures on the bridge topic: published by the signing node, validated by
/// the gossip layer and held (bounded) until the Koinos lock side collects them.
public protocol KoinosSignatureGossip: Sendable {
    func publish(koinosSignatures: [GossipedKoinosSignature]) async
    /// Removes and returns the validated inbound signatures held so far, oldest first.
    func takeKoinosSignatures() -> [GossipedKoinosSignature]
    /// Holds again signatures for locks this node has not observed yet (bounded: the oldest are
    /// dropped and counted when full).
    func holdKoinosSignatures(_ signatures: [GossipedKoinosSignature])
    /// Asks the peers bound to validators, one after the other, for their own signatures of
    /// `digests` (catch-up after the gossip was missed); what they answer is validated as gossip
    /// and held with the inbound signatures. Returns how many signatures were accepted.
    func requestKoinosSignatures(digests: [[UInt8]]) async -> Int
    /// Where answers to the peers' requests come from: this node's own signatures of the digests.
    func serveKoinosSignatures(_ source: @escaping @Sendable ([[UInt8]]) async -> [GossipedKoinosSignature])
}
