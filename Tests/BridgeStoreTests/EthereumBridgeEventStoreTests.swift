// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeStore
import Testing

/// What the Ethereum watcher's commit does with judged completion and re-sign events (real SQLite).
@Suite struct EthereumBridgeEventStoreTests {
    static func observation(_ n: UInt8, status: AttestationStatus) -> PendingObservation {
        PendingObservation(
            id: ObservationID(chainID: 1, transactionHash: [UInt8](repeating: n, count: 32), logIndex: 0), profile: .v1,
            digest: [UInt8](repeating: n, count: 32), message: [0x08, 0x08, n], status: status, updatedAtMilliseconds: 0)
    }

    static func resign(_ o: PendingObservation, oldDigest: [UInt8]? = nil) -> ObservationResign {
        ObservationResign(id: o.id, oldDigest: oldDigest ?? o.digest, expiration: 99, message: [0x08, 0x08, 0xee], digest: [UInt8](repeating: 0xee, count: 32))
    }

    @Test func aResignReopensOnlyATransferWithNothingInFlightAndDropsItsPastAttempt() async throws {
        let db = try BridgeDatabase()
        let atQuorum = Self.observation(1, status: .quorum), inFlight = Self.observation(2, status: .submitted)
        let moved = Self.observation(3, status: .quorum)
        try await db.insertObservationFixtures([atQuorum, inFlight, moved], atMilliseconds: 1)
        try await SQLiteSubmissionQueue(db).saveSubmission(SubmissionRecord(observationID: atQuorum.id.description, status: .failed, attempts: 4, lastError: "expired", updatedAtMs: 1))
        let commit = try await db.commitScan(
            cursor: "eth", nextBlock: 5, records: [],
            resigns: [Self.resign(atQuorum), Self.resign(inFlight), Self.resign(moved, oldDigest: [UInt8](repeating: 0x77, count: 32))], nowMs: 2)
        #expect(commit.resigned == [atQuorum.id], "submitted: in flight; a stale old digest: the row changed since")
        #expect(try await db.cursorBlock("eth") == 5, "in the cursor's transaction")
        let reopened = try await SQLiteAttestationRepository(db).observationsAwaitingSignature(limit: 10)
        #expect(reopened.map(\.id) == [atQuorum.id])
        #expect(reopened.first?.digest == [UInt8](repeating: 0xee, count: 32))
        #expect(reopened.first?.message == [0x08, 0x08, 0xee])
        #expect(try await db.submission(for: atQuorum.id.description) == nil, "the old set's failed attempt is gone")
        #expect(try await db.attestationStatus(of: inFlight.id) == .submitted)
        #expect(try await db.transfersForResign(chainID: 1, transactionHash: atQuorum.id.transactionHash).first?.expiration == 99)
    }

    /// An `observed` Koinos → Ethereum lock stored the way the Koinos watcher stores it.
    static func storedKoinosLock(_ db: BridgeDatabase, _ n: UInt8) async throws -> KoinosLockID {
        let id = KoinosLockID(transactionID: [0x12, 0x20] + [UInt8](repeating: n, count: 32), operationID: 1)
        let observation = KoinosLockObservation(
            id: id, profile: .v2, blockHeight: 3, blockID: [UInt8](repeating: 3, count: 34), blockTimeMs: 0, sender: [UInt8](repeating: 1, count: 25),
            token: [UInt8](repeating: 2, count: 25), amount: "5", payment: "0", recipient: "0x" + String(repeating: "ab", count: 20), relayer: "",
            metadata: "", destinationChain: 1)
        _ = try await SQLiteKoinosLockStore(db).commitKoinosScan(
            cursor: "k", to: KoinosScanCursor(nextHeight: 4, previousBlockID: []),
            records: [KoinosLockRecord(observation: observation, status: .observed, reason: nil)], nowMs: 1)
        return id
    }

    /// A re-signed transfer goes back to `observed`, where the aggregator asks the governor about
    /// undecided transfers: the first decision must still count, or the transfer is governed (and
    /// possibly held) a second time.
    @Test func aResignedTransferKeepsItsGovernorDecision() async throws {
        let db = try BridgeDatabase()
        let o = Self.observation(4, status: .quorum)
        try await db.insertObservationFixtures([o], atMilliseconds: 1)
        let transfer = GovernedTransfer(id: o.id, token: [UInt8](repeating: 0, count: 20), amount: 1, sourceTimeMilliseconds: 1)
        try await SQLiteGovernorRepository(db).recordGovernorDecisions([GovernorEntry(transfer: transfer, decision: .signNow)], atMilliseconds: 1)
        #expect(try await SQLiteGovernorRepository(db).governorCandidates([o.id])[o.id]?.decided == true)
        let commit = try await db.commitScan(cursor: "eth", nextBlock: 5, records: [], resigns: [Self.resign(o)], nowMs: 2)
        #expect(commit.resigned == [o.id])
        #expect(try await db.attestationStatus(of: o.id) == .observed)
        let candidate = try #require(try await SQLiteGovernorRepository(db).governorCandidates([o.id])[o.id])
        #expect(candidate.decided, "decided once, before the re-sign")
        #expect(Governor.undecided([candidate], policy: GovernorPolicy(tokens: [transfer.token: GovernorLimits(dailyLimit: 1, singleTransferThreshold: 1)])).isEmpty)
        #expect(try await SQLiteGovernorRepository(db).governorHistory(tokens: [transfer.token], sinceMilliseconds: 0).count == 1)
    }

    @Test func aCompletionMarksTheKoinosLockAndItsDeliveryOnce() async throws {
        let db = try BridgeDatabase()
        let id = try await Self.storedKoinosLock(db, 5)
        let unknown = KoinosLockID(transactionID: [0x12, 0x20] + [UInt8](repeating: 6, count: 32), operationID: 1)
        let tx = [UInt8](repeating: 0xcc, count: 32)
        let first = try await db.commitScan(
            cursor: "eth", nextBlock: 2, records: [],
            completions: [EthereumCompletion(lock: id, transactionHash: tx), EthereumCompletion(lock: unknown, transactionHash: tx)], nowMs: 2)
        #expect(first.completed == [id])
        #expect(try await db.koinosLockStatus(id) == .completed)
        #expect(try await db.koinosLockEthereumTransaction(id) == tx)
        let again = try await db.commitScan(
            cursor: "eth", nextBlock: 2, records: [], completions: [EthereumCompletion(lock: id, transactionHash: [UInt8](repeating: 0xdd, count: 32))], nowMs: 3)
        #expect(again.completed.isEmpty, "a rescan repeats nothing")
        #expect(try await db.koinosLockEthereumTransaction(id) == tx)
    }

    /// Our own transaction in flight: the sender follows it (to finality, or to its revert and
    /// `isTransferCompleted`); the event does not pre-empt it.
    @Test func aCompletionLeavesALockWithOurTransactionInFlightToTheSender() async throws {
        let db = try BridgeDatabase()
        let id = try await Self.storedKoinosLock(db, 7)
        var sent = DeliveryRecord(transferID: id.description, status: .sent, updatedAtMs: 2)
        sent.transactionHashes = [[UInt8](repeating: 0xcc, count: 32)]
        try await SQLiteEthereumDeliveryRepository(db).saveEthereumDelivery(sent)
        let commit = try await db.commitScan(
            cursor: "eth", nextBlock: 2, records: [], completions: [EthereumCompletion(lock: id, transactionHash: [UInt8](repeating: 0xcc, count: 32))], nowMs: 3)
        #expect(commit.completed.isEmpty)
        #expect(try await SQLiteEthereumDeliveryRepository(db).ethereumDelivery(id.description)?.status == .sent)
    }
}
