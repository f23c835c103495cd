// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeGossip
import BridgeKoinos
import BridgeSigning
import BridgeStore
import BridgeTesting
import ChainCrypto
import Testing

/// Koinos → Ethereum signatures between in-process validators (real SQLite stores, real gossip
/// endpoints on the in-memory topic): with Q(3) = 2 no node reaches quorum alone, each reaches
/// the contract-minimal set only through its peers' gossiped signatures.
struct KoinosSignatureGossipTests {
    static func message(expiration: UInt64 = 2_000_000_000_000) -> EthereumTransferMessage {
        EthereumTransferMessage(
            profile: .v2, koinosTransactionID: [0x12, 0x20] + [UInt8](repeating: 9, count: 32), operationID: 4,
            token: [UInt8](repeating: 0x22, count: 20), recipient: [UInt8](repeating: 0x44, count: 20), value: 5,
            bridge: [UInt8](repeating: 0x55, count: 20), expiration: expiration, chainID: 1)
    }

    static let lock = KoinosLockID(transactionID: [0x12, 0x20] + [UInt8](repeating: 9, count: 32), operationID: 4)

    /// The lock as the watcher stores it once judged valid (`observed`, with message and digest).
    static func observe(_ db: BridgeDatabase, _ message: EthereumTransferMessage = message()) async throws {
        let observation = KoinosLockObservation(
            id: lock, profile: .v2, blockHeight: 3, blockID: [0x12, 0x20] + [UInt8](repeating: 3, count: 32), blockTimeMs: 1, sender: [],
            token: [], amount: "5", payment: "0", recipient: Hex.encode(message.recipient), relayer: "", metadata: "", destinationChain: 1)
        _ = try await SQLiteKoinosLockStore(db).commitKoinosScan(cursor: "k", to: KoinosScanCursor(nextHeight: 4, previousBlockID: []), records: [
            KoinosLockRecord(observation: observation, status: .observed, reason: nil, message: message, digest: message.digest),
        ], nowMs: 1)
    }

    static func exchanges(_ h: ValidatorNetworkHarness) -> [KoinosSignatureExchange] {
        h.nodes.enumerated().map { i, node in
            KoinosSignatureExchange(
                gossip: node.endpoint, signer: KoinosLockSigner(key: h.keys[i], profile: .v2, store: SQLiteKoinosSignatureStore(node.database), governorStore: SQLiteGovernorRepository(node.database), clock: h.clock))
        }
    }

    static func ethereumAddresses(_ keys: some Sequence<Secp256k1.PrivateKey>) -> [[UInt8]] {
        keys.map { EthereumAddress(publicKey: $0.publicKey).bytes }
    }

    /// Signs what is pending, checks that alone it is below quorum, publishes.
    static func signAlone(_ e: KoinosSignatureExchange, digest: [UInt8], validators: [[UInt8]]) async throws {
        let signed = try await e.signer.signPending(validators: validators)
        #expect(signed.count == 1)
        #expect(try await e.signer.collect(lock, digest: digest, received: [], validators: validators).submission == nil)
        try await e.publish(signed)
    }

    static func expectQuorumSet(_ db: BridgeDatabase, digest: [UInt8], validators: [[UInt8]]) async throws {
        #expect(try await db.koinosLock(lock)?.status == "quorum")
        let submission = try #require(try await db.koinosSubmission(lock))
        let signers = submission.compactMap { EthereumSignature.recoverAddress(digest: digest, signature: $0)?.bytes }
        #expect(submission.count == 2 && signers.count == 2 && Set(signers).count == 2)
        #expect(signers.allSatisfy { validators.contains($0) })
        #expect(signers == signers.sorted { $0.lexicographicallyPrecedes($1) })
    }

    @Test func threeValidatorsReachTheQuorumSetOnlyThroughGossipAndAgainAfterAResign() async throws {
        let h = try ValidatorNetworkHarness(count: 3)
        let validators = Self.ethereumAddresses(h.keys)
        let exchanges = Self.exchanges(h)
        for node in h.nodes { try await Self.observe(node.database) }
        await h.exchangeHeartbeats()
        let first = Self.message()
        for e in exchanges { try await Self.signAlone(e, digest: first.digest, validators: validators) }
        await h.pump()
        for (i, e) in exchanges.enumerated() {
            #expect(try await e.collectReceived(validators: validators) == [Self.lock], "node \(i)")
            try await Self.expectQuorumSet(h.nodes[i].database, digest: first.digest, validators: validators)
            #expect(try await SQLiteKoinosSignatureStore(h.nodes[i].database).koinosSignatures(digest: first.digest).count == 3)
            #expect(h.nodes[i].endpoint.outcomeCounts()["reject.bad_item_signature"] == nil)
        }

        // A re-sign (new expiration → new digest): the same validators sign the same lock again.
        // Not equivocation: the new signatures are accepted, counted for the new digest only.
        let renewed = Self.message(expiration: 2_000_007_200_000)
        for node in h.nodes {
            _ = try await SQLiteKoinosLockStore(node.database).commitKoinosScan(
                cursor: "k", to: KoinosScanCursor(nextHeight: 5, previousBlockID: []), records: [],
                resigns: [KoinosResign(id: Self.lock, expiration: renewed.expiration, message: renewed.packed(), digest: renewed.digest)], nowMs: 2)
        }
        h.clock.advance(milliseconds: 1_000)
        for e in exchanges { try await Self.signAlone(e, digest: renewed.digest, validators: validators) }
        await h.pump()
        for (i, e) in exchanges.enumerated() {
            #expect(try await e.collectReceived(validators: validators) == [Self.lock], "node \(i)")
            try await Self.expectQuorumSet(h.nodes[i].database, digest: renewed.digest, validators: validators)
            #expect(try await SQLiteKoinosSignatureStore(h.nodes[i].database).koinosSignatures(digest: renewed.digest).count == 3)
            #expect(try await SQLiteKoinosSignatureStore(h.nodes[i].database).koinosSignatures(digest: first.digest).count == 3)
        }
    }

    /// Gossip is pushed once: a node that lost its peers' signatures (not connected yet, inbox
    /// full) reaches quorum when they publish their own signatures again.
    @Test func aNodeThatMissedTheSignaturesGetsThemWhenPeersRepublish() async throws {
        let h = try ValidatorNetworkHarness(count: 3)
        let validators = Self.ethereumAddresses(h.keys)
        let exchanges = Self.exchanges(h)
        for node in h.nodes { try await Self.observe(node.database) }
        await h.exchangeHeartbeats()
        let digest = Self.message().digest
        for e in exchanges { try await Self.signAlone(e, digest: digest, validators: validators) }
        await h.pump()
        _ = h.nodes[0].endpoint.takeKoinosSignatures()  // node 0 lost what its peers sent
        #expect(try await exchanges[0].collectReceived(validators: validators).isEmpty)
        #expect(try await h.nodes[0].database.koinosLock(Self.lock)?.status == "signing")
        for i in 1...2 { #expect(try await exchanges[i].collectReceived(validators: validators) == [Self.lock]) }

        h.clock.advance(milliseconds: 15_000)
        // Nodes 1 and 2 are at quorum themselves and still re-publish (node 0 is not).
        for i in 1...2 { #expect(try await exchanges[i].republishOwn() == 1) }
        await h.pump()
        #expect(try await exchanges[0].collectReceived(validators: validators) == [Self.lock])
        try await Self.expectQuorumSet(h.nodes[0].database, digest: digest, validators: validators)
    }

    @Test func signaturesForALockNotObservedYetAreHeldUntilItIs() async throws {
        let h = try ValidatorNetworkHarness(count: 3)
        let validators = Self.ethereumAddresses(h.keys)
        let exchanges = Self.exchanges(h)
        try await Self.observe(h.nodes[0].database)
        try await Self.observe(h.nodes[1].database)
        await h.exchangeHeartbeats()
        let digest = Self.message().digest
        try await Self.signAlone(exchanges[0], digest: digest, validators: validators)
        try await Self.signAlone(exchanges[1], digest: digest, validators: validators)
        await h.pump()
        // Node 2 has not seen the lock: nothing stored, both signatures held.
        #expect(try await exchanges[2].collectReceived(validators: validators).isEmpty)
        #expect(h.nodes[2].endpoint.koinosInboxCounts().held == 2)
        #expect(try await SQLiteKoinosSignatureStore(h.nodes[2].database).koinosSignatures(digest: digest).isEmpty)
        // Once its watcher stores the lock, the held peers' signatures are the quorum (before it signs).
        try await Self.observe(h.nodes[2].database)
        #expect(try await exchanges[2].collectReceived(validators: validators) == [Self.lock])
        try await Self.expectQuorumSet(h.nodes[2].database, digest: digest, validators: validators)
        #expect(h.nodes[2].endpoint.koinosInboxCounts().held == 0)
    }

    @Test func signaturesOfKeysOutsideTheEthereumSetAreRefused() async throws {
        // Key 3 is in the Koinos validator set (its envelopes are valid) but not in the Ethereum contract's set.
        let h = try ValidatorNetworkHarness(count: 4, honest: 3)
        let validators = Self.ethereumAddresses(h.keys.prefix(3))
        let exchanges = Self.exchanges(h)
        for node in h.nodes { try await Self.observe(node.database) }
        await h.exchangeHeartbeats()
        let digest = Self.message().digest
        try await Self.signAlone(exchanges[0], digest: digest, validators: validators)

        let outsider = Secp256k1AttestationSigner(key: h.keys[3])
        func inject(_ message: BridgeMessage) throws {
            h.network.broadcast(
                try BridgeEnvelope.seal(message, signer: outsider, timestampMilliseconds: h.clock.nowMilliseconds, hashing: ChainHashing()),
                from: "peer-3")
        }
        try inject(.heartbeat(peerID: "peer-3", softwareVersion: "test", ethereumCursor: 1))
        // Its own Ethereum-form signature: well formed and its own, but not a current Ethereum validator's.
        let own = try EthereumSignature.sign(digest: digest, key: h.keys[3])
        try inject(.koinosSignatures([GossipedKoinosSignature(lock: Self.lock, digest: digest, signature: own, sender: [])]))
        // A signature by a key outside every set, relayed in its envelope: not its own, refused at the gossip layer.
        let stranger = try EthereumSignature.sign(digest: digest, key: .generate())
        h.clock.advance(milliseconds: 1)
        try inject(.koinosSignatures([GossipedKoinosSignature(lock: Self.lock, digest: digest, signature: stranger, sender: [])]))
        await h.pump()

        let node = h.nodes[1]
        #expect(node.endpoint.outcomeCounts()["reject.bad_item_signature"] == 1)
        #expect(node.endpoint.koinosInboxCounts().held == 2)  // node 0's and the outsider's own
        // Node 0's valid signature and the outsider's would make 2 = Q(3): the outsider's does not count.
        #expect(try await exchanges[1].collectReceived(validators: validators).isEmpty)
        #expect(try await node.database.koinosLock(Self.lock)?.status == "observed")
        let stored = try await SQLiteKoinosSignatureStore(node.database).koinosSignatures(digest: digest)
        #expect(stored.map(\.validator) == [validators[0]])
        #expect(try await node.database.koinosSubmission(Self.lock) == nil)
    }

    @Test func theInboxIsBoundedPerValidator() throws {
        let h = try ValidatorNetworkHarness(count: 2)
        let endpoint = h.nodes[0].endpoint
        let per = endpoint.configuration.koinosInboxPerValidator
        let flood = (0..<(per + 10)).map { i in
            GossipedKoinosSignature(lock: Self.lock, digest: [UInt8](repeating: 0, count: 28) + withUnsafeBytes(of: UInt32(i).bigEndian, Array.init),
                                    signature: [UInt8](repeating: 1, count: 65), sender: h.nodes[1].address)
        }
        endpoint.holdKoinosSignatures(flood)
        #expect(endpoint.koinosInboxCounts() == (held: per, dropped: 10))
        let other = GossipedKoinosSignature(lock: Self.lock, digest: flood[0].digest, signature: flood[0].signature, sender: h.nodes[0].address)
        endpoint.holdKoinosSignatures([other, other])  // another sender keeps its place; a repeat is held once
        #expect(endpoint.koinosInboxCounts() == (held: per + 1, dropped: 10))
        let taken = endpoint.takeKoinosSignatures()
        #expect(taken.first?.digest == flood[10].digest && taken.last == other)
        #expect(endpoint.koinosInboxCounts().held == 0)
    }
}
