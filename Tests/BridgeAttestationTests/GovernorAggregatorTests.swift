// SPDX-License-Identifier: Apache-2.0
import BridgeAttestation
import BridgeCore
import BridgeSigning
import BridgeStore
import Foundation
import Testing
import BridgeTesting

/// The governor on the real aggregator path: locks stored by `commitScan` (as the watcher stores
/// them) in real SQLite, signed — or held — by `signPending`, with a virtual wall clock.
@Suite struct GovernorAggregatorTests {
    static let token = [UInt8](repeating: 0x42, count: 20)
    static let day = GovernorPolicy.dayMilliseconds

    static func policy(daily: UInt64 = 10_000, threshold: UInt64 = 5_000) -> GovernorPolicy {
        GovernorPolicy(tokens: [token: GovernorLimits(dailyLimit: daily, singleTransferThreshold: threshold)])
    }

    /// A lock of `amount` of the governed token at source time `blockTime`, stored as the watcher stores it.
    static func lock(_ n: Int, amount: UInt64, blockTime: UInt64, token: [UInt8] = token) -> ObservationRecord {
        var hash = [UInt8](repeating: 0x5a, count: 32)
        hash[30] = UInt8(truncatingIfNeeded: n >> 8)
        hash[31] = UInt8(truncatingIfNeeded: n)
        let observation = LockObservation(
            id: ObservationID(chainID: 1337, transactionHash: hash, logIndex: 0), profile: .v1, blockNumber: UInt64(100 + n),
            blockHash: [UInt8](repeating: 1, count: 32), sender: [UInt8](repeating: 2, count: 20), token: token, amount: amount,
            payment: 0, recipient: "1Recipient", relayer: "", metadata: "", blockTimeMs: blockTime, destinationChain: 0)
        let message = KoinosTransferMessage(
            profile: .v1, transactionID: hash, token: [0] + Array(repeating: 7, count: 24), recipient: [0] + Array(repeating: 9, count: 24),
            amount: amount, contractID: [0] + Array(repeating: 3, count: 24), expiration: blockTime + 3_600_000)
        return ObservationRecord(observation: observation, status: .observed, reason: nil, message: message, digest: message.digest)
    }

    static func store(_ records: [ObservationRecord], in database: BridgeDatabase, now: UInt64) async throws {
        _ = try await database.commitScan(cursor: "eth", nextBlock: 1_000, records: records, nowMs: now)
    }

    /// Fails without the governor: a single validator (quorum 1) signs at once.
    @Test func aTransferAboveTheThresholdIsNotSignedUntilItsRelease() async throws {
        let net = try ValidatorNetworkHarness(count: 1, governor: Self.policy())
        let node = net.nodes[0]
        let start = net.clock.nowMilliseconds
        let small = Self.lock(1, amount: 5_000, blockTime: start)
        let big = Self.lock(2, amount: 5_001, blockTime: start)
        try await Self.store([small, big], in: node.database, now: start)
        try await node.aggregator.signPending()
        #expect(try await node.database.attestationStatus(of: small.observation.id) == .quorum)
        #expect(try await node.database.attestationStatus(of: big.observation.id) == .delayed)
        #expect(try await node.database.signatures(observationID: big.observation.id).isEmpty)
        let queue = try await SQLiteGovernorRepository(node.database).governorQueue()
        #expect(queue.map(\.entry.decision) == [.delayed(releaseAtMilliseconds: start + Self.day, reason: .bigTransfer)])

        // What bridge_governor_used / _limit / _queued report.
        #expect(try await node.aggregator.governorReadings().map { [$0.used, UInt128($0.dailyLimit), UInt128($0.queued)] } == [[5_000, 10_000, 1]])

        net.clock.advance(milliseconds: Self.day - 1)
        await node.aggregator.step()
        #expect(try await node.database.attestationStatus(of: big.observation.id) == .delayed)
        net.clock.advance(milliseconds: 1)
        await node.aggregator.step()
        #expect(try await node.database.attestationStatus(of: big.observation.id) == .quorum)
        #expect(try await node.database.signatures(observationID: big.observation.id).count == 1)
        #expect(try await SQLiteGovernorRepository(node.database).governorQueue().isEmpty)
        // The small transfer left the window exactly 24 h after its block time; the big one never counted.
        #expect(try await node.aggregator.governorReadings().map { [$0.used, UInt128($0.queued)] } == [[0, 0]])
    }

    @Test func ungovernedTokensAndNodesWithoutAGovernorSignAtOnce() async throws {
        let net = try ValidatorNetworkHarness(count: 1)
        let node = net.nodes[0]
        let start = net.clock.nowMilliseconds
        let big = Self.lock(3, amount: 1_000_000, blockTime: start)
        try await Self.store([big], in: node.database, now: start)
        try await node.aggregator.signPending()
        #expect(try await node.database.attestationStatus(of: big.observation.id) == .quorum)

        let governed = try ValidatorNetworkHarness(count: 1, governor: Self.policy())
        let other = Self.lock(4, amount: 1_000_000, blockTime: start, token: [UInt8](repeating: 0x43, count: 20))
        try await Self.store([other], in: governed.nodes[0].database, now: start)
        try await governed.nodes[0].aggregator.signPending()
        #expect(try await governed.nodes[0].database.attestationStatus(of: other.observation.id) == .quorum)
    }

    /// The queue and the window are in the store: a restarted node keeps both.
    @Test func aRestartKeepsTheQueueAndTheWindow() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("governor-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        var net = try ValidatorNetworkHarness(count: 1, databasePaths: [path], governor: Self.policy())
        let start = net.clock.nowMilliseconds
        let first = Self.lock(1, amount: 4_000, blockTime: start)
        let second = Self.lock(2, amount: 4_000, blockTime: start + 60_000)
        try await Self.store([first, second], in: net.nodes[0].database, now: start)
        try await net.nodes[0].aggregator.signPending()
        let third = Self.lock(3, amount: 4_000, blockTime: start + 120_000)
        try await Self.store([third], in: net.nodes[0].database, now: start)
        try await net.nodes[0].aggregator.signPending()
        #expect(try await net.nodes[0].database.attestationStatus(of: third.observation.id) == .delayed)

        // Restart: a new process, the same file. The window (8,000 used) survives: a fourth lock waits too.
        net.nodes[0] = try net.makeNode(index: 0, database: BridgeDatabase(path: path))
        try await net.nodes[0].aggregator.restore()
        let database = net.nodes[0].database
        let fourth = Self.lock(4, amount: 1_000, blockTime: start + 180_000)
        try await Self.store([fourth], in: database, now: start)
        await net.nodes[0].aggregator.step()
        let queue = try await SQLiteGovernorRepository(database).governorQueue()
        #expect(queue.map(\.entry.transfer.id) == [.ethereum(third.observation.id), .ethereum(fourth.observation.id)])
        // The third waits for the first to leave the window; the fourth would fit an empty window
        // but queues behind the third: the history was read back.
        #expect(queue.map(\.entry.decision) == [
            .delayed(releaseAtMilliseconds: start + Self.day, reason: .dailyLimit),
            .delayed(releaseAtMilliseconds: start + Self.day, reason: .dailyLimit),
        ])
        net.clock.advance(milliseconds: Self.day)
        await net.nodes[0].aggregator.step()
        for lock in [third, fourth] { #expect(try await database.attestationStatus(of: lock.observation.id) == .quorum) }
    }

    /// Two validators fed the same chain in different batches (and at different wall times) store
    /// the same decisions; an operator's early release signs at once.
    @Test func twoValidatorsDecideTheSameAndAnEarlyReleaseSigns() async throws {
        let net = try ValidatorNetworkHarness(count: 2, governor: Self.policy(daily: 6_000, threshold: 4_000))
        let start = net.clock.nowMilliseconds
        let locks = (0..<12).map { Self.lock($0, amount: UInt64(500 + 400 * ($0 % 5)), blockTime: start + UInt64($0) * 1_800_000) }
        try await Self.store(locks, in: net.nodes[0].database, now: start)
        try await net.nodes[0].aggregator.signPending()
        for (index, lock) in locks.enumerated() {
            try await Self.store([lock], in: net.nodes[1].database, now: start + UInt64(index))
            net.clock.advance(milliseconds: 7)
            try await net.nodes[1].aggregator.signPending()
        }
        let first = try await SQLiteGovernorRepository(net.nodes[0].database).governorQueue()
        let second = try await SQLiteGovernorRepository(net.nodes[1].database).governorQueue()
        #expect(!first.isEmpty)
        #expect(first.map(\.entry) == second.map(\.entry))

        guard case .ethereum(let held)? = first.first?.entry.transfer.id else {
            Issue.record("no Ethereum → Koinos transfer queued")
            return
        }
        #expect(try await SQLiteGovernorRepository(net.nodes[0].database).releaseTransferEarly(held, atMilliseconds: net.clock.nowMilliseconds))
        #expect(try await SQLiteGovernorRepository(net.nodes[0].database).releaseTransferEarly(held, atMilliseconds: net.clock.nowMilliseconds) == false)
        try await net.nodes[0].aggregator.signPending()
        #expect(try await net.nodes[0].database.attestationStatus(of: held) == .signing)
        #expect(try await net.nodes[1].database.attestationStatus(of: held) == .delayed)
    }

    /// The governor metrics (`bridge_governor_used/limit/queued{token}`) cover a Koinos token too:
    /// a Koinos lock held by a stored decision (as KoinosLockSigner stores it) is counted as queued,
    /// one signed at once as used, beside the Ethereum token.
    @Test func governorReadingsCoverKoinosTokens() async throws {
        let koinosToken = [UInt8](repeating: 0x00, count: 1) + [UInt8](repeating: 0x4b, count: 24)
        var policy = Self.policy()
        policy.tokens[koinosToken] = GovernorLimits(dailyLimit: 900, singleTransferThreshold: 500)
        let net = try ValidatorNetworkHarness(count: 1, governor: policy)
        let node = net.nodes[0]
        let start = net.clock.nowMilliseconds
        var entries: [GovernorEntry] = []
        var records: [KoinosLockRecord] = []
        for (n, amount) in [(1, UInt64(300)), (2, UInt64(700))] {
            let id = KoinosLockID(transactionID: [0x12, 0x20] + [UInt8](repeating: UInt8(n), count: 32), operationID: 1)
            records.append(KoinosLockRecord(observation: KoinosLockObservation(
                id: id, profile: .v2, blockHeight: UInt64(n), blockID: [UInt8](repeating: 1, count: 34), blockTimeMs: start,
                sender: koinosToken, token: koinosToken, amount: String(amount), payment: "0", recipient: "0x", relayer: "0x", metadata: "",
                destinationChain: 1), status: .observed, reason: nil))
            entries.append(GovernorEntry(
                transfer: GovernedTransfer(id: id, token: koinosToken, amount: amount, sourceTimeMilliseconds: start),
                decision: amount > 500 ? .delayed(releaseAtMilliseconds: start + Self.day, reason: .bigTransfer) : .signNow))
        }
        _ = try await SQLiteKoinosLockStore(node.database).commitKoinosScan(cursor: "koinos-locks", to: KoinosScanCursor(nextHeight: 3, previousBlockID: []),
                                                     records: records, nowMs: start)
        try await SQLiteGovernorRepository(node.database).recordGovernorDecisions(entries, atMilliseconds: start)
        #expect(try await node.database.koinosLock(records[1].observation.id)?.status == "delayed")
        let readings = try await node.aggregator.governorReadings()
        #expect(readings.map(\.token) == [koinosToken, Self.token])
        #expect(readings.map { [$0.used, UInt128($0.dailyLimit), UInt128($0.queued)] } == [[300, 900, 1], [0, 10_000, 0]])
    }

    /// The stored message of `lock` with its expiration set to `expiration`, and its digest.
    static func digest(of lock: ObservationRecord, expiration: UInt64) throws -> [UInt8] {
        var message = try #require(lock.message)
        message.expiration = expiration
        return message.digest
    }

    /// Issue 17: a held transfer's Koinos message carried block time + lifetime (1 h here), so the
    /// signatures made at release (24 h later) were born expired. The message is re-expired from the
    /// release time in the decision's transaction; the old digest is never signed. Fails without it.
    @Test func aHeldTransferIsSignedWithAnExpirationCountedFromItsReleaseTime() async throws {
        let net = try ValidatorNetworkHarness(count: 1, governor: Self.policy())
        let node = net.nodes[0]
        let start = net.clock.nowMilliseconds
        let small = Self.lock(11, amount: 10, blockTime: start)
        let big = Self.lock(12, amount: 9_000, blockTime: start)
        try await Self.store([small, big], in: node.database, now: start)
        try await node.aggregator.signPending()
        let lifetime: UInt64 = 3_600_000
        let release = start + Self.day
        let signedAtOnce = try #require(try await node.database.attestation(id: small.observation.id.description))
        #expect(signedAtOnce.expiration == start + lifetime && signedAtOnce.digest == small.digest, "a transfer signed at once keeps its message")

        let held = try #require(try await node.database.attestation(id: big.observation.id.description))
        #expect(held.status == "delayed")
        #expect(held.expiration == release + lifetime)
        #expect(held.digest == (try Self.digest(of: big, expiration: release + lifetime)))
        #expect(held.digest != big.digest)

        net.clock.advance(milliseconds: Self.day)
        await node.aggregator.step()
        let quorum = try #require(try await SQLiteAttestationRepository(node.database).quorumAttestation(for: big.observation.id))
        #expect(quorum.digest == (try Self.digest(of: big, expiration: release + lifetime)))
        #expect(release + lifetime > net.clock.nowMilliseconds, "the signed message is not expired at release")
        let signatures = try await node.database.signatures(observationID: big.observation.id)
        #expect(signatures.count == 1 && signatures.allSatisfy { $0.digest == quorum.digest }, "the old digest is never signed")
    }

    /// Two validators decide at different wall times; one is released early by its operator
    /// (`governor release`), the other at the release time: both sign the same re-expired digest
    /// (scheduled release + lifetime, not the operator's clock), so their signatures make a quorum.
    @Test func twoValidatorsReleaseAHeldTransferToTheSameDigest() async throws {
        let net = try ValidatorNetworkHarness(count: 2, governor: Self.policy())
        await net.exchangeHeartbeats()
        let start = net.clock.nowMilliseconds
        let big = Self.lock(21, amount: 9_000, blockTime: start)
        try await Self.store([big], in: net.nodes[0].database, now: start)
        try await net.nodes[0].aggregator.signPending()
        net.clock.advance(milliseconds: 600_000)
        try await Self.store([big], in: net.nodes[1].database, now: net.clock.nowMilliseconds)
        try await net.nodes[1].aggregator.signPending()
        let expected = try Self.digest(of: big, expiration: start + Self.day + 3_600_000)
        for node in net.nodes { #expect(try await node.database.attestation(id: big.observation.id.description)?.digest == expected) }

        net.clock.advance(milliseconds: 3_600_000)
        #expect(try await SQLiteGovernorRepository(net.nodes[0].database).releaseTransferEarly(big.observation.id, atMilliseconds: net.clock.nowMilliseconds))
        try await net.nodes[0].aggregator.signPending()
        await net.pump()
        #expect(try await net.nodes[0].database.attestationStatus(of: big.observation.id) == .signing)
        #expect(try await net.nodes[1].database.attestationStatus(of: big.observation.id) == .delayed)

        net.clock.advance(milliseconds: start + Self.day - net.clock.nowMilliseconds)
        try await net.nodes[1].aggregator.signPending()
        await net.pump()
        for node in net.nodes {
            let quorum = try #require(try await SQLiteAttestationRepository(node.database).quorumAttestation(for: big.observation.id))
            #expect(quorum.digest == expected)
            #expect(quorum.signatures.count == 2)
        }
    }
}
