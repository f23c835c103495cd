// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeStore
import Foundation
import GRDB
import Testing

extension BridgeDatabase {
    /// One attestation write as its own batch; a failed write throws.
    func writeAttestation(_ write: AttestationWrite, atMilliseconds now: UInt64) async throws {
        if let failure = try await SQLiteAttestationRepository(self).apply([write], atMilliseconds: now).first { throw failure }
    }
}

/// `apply`: the aggregator's writes for one input commit in one transaction, while each write
/// inside stays atomic on its own (a failing write rolls back alone and is reported).
@Suite struct AttestationWriteBatchTests {
    let id = ObservationID(chainID: 1337, transactionHash: Array(repeating: 0x43, count: 32), logIndex: 1)
    let digest = Array(repeating: UInt8(0xd2), count: 32)
    let validators = (1...5).map { i in [UInt8(0)] + Array(repeating: UInt8(i), count: 24) }

    func signature(_ v: Int) -> SignedObservation {
        SignedObservation(
            observationID: id, profile: .v1, digest: digest,
            signature: ValidatorSignature(validator: validators[v], signature: [31] + Array(repeating: UInt8(v), count: 64)))
    }

    func quorum(_ members: [Int], have: Int) -> QuorumRecord {
        QuorumRecord(observationID: id, digest: digest, required: members.count, have: have, submissionSet: members.map { signature($0).signature })
    }

    func signingDatabase(path: String? = nil) async throws -> BridgeDatabase {
        let db = try path.map { try BridgeDatabase(path: $0) } ?? BridgeDatabase()
        let pending = PendingObservation(id: id, profile: .v1, digest: digest, message: [1, 2, 3], status: .observed, updatedAtMilliseconds: 0)
        try await db.insertObservationFixtures([pending], atMilliseconds: 10)
        try await db.writeAttestation(.ownSignatures([signature(0)]), atMilliseconds: 20)
        return db
    }

    @Test func aBatchIsOneTransactionAndSurvivesReopening() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("agg-batch-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        do {
            let db = try await signingDatabase(path: path)
            let before = db.attestationGeneration
            let failures = try await SQLiteAttestationRepository(db).apply([.peerSignatures([signature(1), signature(2)]), .quorum(quorum([0, 1, 2], have: 3))], atMilliseconds: 30)
            #expect(failures.isEmpty)
            #expect(db.attestationGeneration == before.map { $0 + 1 }, "one committed transaction for the whole batch")
        }
        let reopened = try BridgeDatabase(path: path)
        #expect(try await reopened.attestationStatus(of: id) == .quorum)
        #expect(try await reopened.submissionSignatures(observationID: id) == [0, 1, 2].map { signature($0).signature })
    }

    @Test func aFailingWriteRollsBackAloneAndTheRestCommits() async throws {
        let db = try await signingDatabase()
        try await db.writer.write { db in
            try db.execute(sql: "CREATE TEMP TRIGGER refuse_delete BEFORE DELETE ON signature BEGIN SELECT RAISE(ABORT, 'refused'); END")
        }
        let evidence = EquivocationEvidence(
            validator: validators[1], observationID: id, firstDigest: digest, firstSignature: signature(1).signature.signature,
            secondDigest: Array(repeating: 0xee, count: 32), secondSignature: signature(1).signature.signature)
        let failures = try await SQLiteAttestationRepository(db).apply(
            [.peerSignatures([signature(1), signature(2)]), .equivocation(evidence), .quorum(quorum([0, 1, 2], have: 3))], atMilliseconds: 30)
        #expect(failures.map(\.write) == [.equivocation(evidence)])
        #expect(failures.first?.error.contains("refused") == true)
        // The evidence row was inserted before its signature delete failed: rolled back with it.
        #expect(try await db.signatures(observationID: id).map(\.signature.validator) == Array(validators.prefix(3)))
        #expect(try await db.equivocationEvidence().isEmpty)
        #expect(try await db.attestationStatus(of: id) == .quorum)
    }

    @Test func anImprovedSetMovesTheRanksInOneStatement() async throws {
        let db = try await signingDatabase()
        try await db.writeAttestation(.peerSignatures([signature(2), signature(3), signature(4)]), atMilliseconds: 30)
        try await db.writeAttestation(.quorum(quorum([0, 3, 4], have: 3)), atMilliseconds: 30)
        #expect(try await db.submissionSignatures(observationID: id) == [0, 3, 4].map { signature($0).signature })
        try await db.writeAttestation(.peerSignatures([signature(1)]), atMilliseconds: 31)
        try await db.writeAttestation(.quorum(quorum([0, 1, 2], have: 5)), atMilliseconds: 31)
        #expect(try await db.submissionSignatures(observationID: id) == [0, 1, 2].map { signature($0).signature })
        let ranked = try await db.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM signature WHERE submission_rank IS NOT NULL") ?? -1
        }
        #expect(ranked == 3, "members that left the set lose their rank")
    }
}
