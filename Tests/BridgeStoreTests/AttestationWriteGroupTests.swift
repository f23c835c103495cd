// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeStore
import Foundation
import GRDB
import Testing

/// `inOneAttestationTransaction`: the aggregator's writes for one gossip batch commit together,
/// all or nothing, while each write inside stays atomic on its own.
@Suite struct AttestationWriteGroupTests {
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

    func signingDatabase(path: String? = nil) throws -> BridgeDatabase {
        let db = try path.map { try BridgeDatabase(path: $0) } ?? BridgeDatabase()
        let pending = PendingObservation(id: id, profile: .v1, digest: digest, message: [1, 2, 3], status: .observed, updatedAtMilliseconds: 0)
        try db.insertObservationFixtures([pending], atMilliseconds: 10)
        try db.recordOwnSignatures([signature(0)], atMilliseconds: 20)
        return db
    }

    @Test func groupedWritesAreOneTransactionAndSurviveReopening() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("agg-group-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        do {
            let db = try signingDatabase(path: path)
            let before = db.attestationGeneration
            try db.inOneAttestationTransaction {
                try db.storeSignatures([signature(1), signature(2)], atMilliseconds: 30)
                try db.markQuorum(quorum([0, 1, 2], have: 3), atMilliseconds: 30)
            }
            #expect(db.attestationGeneration == before.map { $0 + 1 }, "one committed transaction for the whole group")
        }
        let reopened = try BridgeDatabase(path: path)
        #expect(try reopened.attestationStatus(of: id) == .quorum)
        #expect(try reopened.submissionSignatures(observationID: id) == [0, 1, 2].map { signature($0).signature })
    }

    @Test func aFailingGroupStoresNothing() throws {
        struct Interrupted: Error {}
        let db = try signingDatabase()
        #expect(throws: Interrupted.self) {
            try db.inOneAttestationTransaction {
                try db.storeSignatures([signature(1), signature(2)], atMilliseconds: 30)
                try db.markQuorum(quorum([0, 1, 2], have: 3), atMilliseconds: 30)
                throw Interrupted()
            }
        }
        #expect(try db.attestationStatus(of: id) == .signing)
        #expect(try db.signatures(observationID: id).map(\.signature.validator) == [validators[0]])
    }

    @Test func aFailingWriteInsideAGroupRollsBackAloneAndTheRestCommits() throws {
        let db = try signingDatabase()
        try db.writer.write { db in
            try db.execute(sql: "CREATE TEMP TRIGGER refuse_delete BEFORE DELETE ON signature BEGIN SELECT RAISE(ABORT, 'refused'); END")
        }
        let evidence = EquivocationEvidence(
            validator: validators[1], observationID: id, firstDigest: digest, firstSignature: signature(1).signature.signature,
            secondDigest: Array(repeating: 0xee, count: 32), secondSignature: signature(1).signature.signature)
        var failures = 0
        try db.inOneAttestationTransaction {
            try db.storeSignatures([signature(1), signature(2)], atMilliseconds: 30)
            do { try db.recordEquivocation(evidence, atMilliseconds: 30) } catch { failures += 1 }
            try db.markQuorum(quorum([0, 1, 2], have: 3), atMilliseconds: 30)
        }
        #expect(failures == 1)
        // The evidence row was inserted before its signature delete failed: rolled back with it.
        #expect(try db.signatures(observationID: id).map(\.signature.validator) == Array(validators.prefix(3)))
        #expect(try db.equivocationEvidence().isEmpty)
        #expect(try db.attestationStatus(of: id) == .quorum)
    }

    @Test func anImprovedSetMovesTheRanksInOneStatement() throws {
        let db = try signingDatabase()
        try db.storeSignatures([signature(2), signature(3), signature(4)], atMilliseconds: 30)
        try db.markQuorum(quorum([0, 3, 4], have: 3), atMilliseconds: 30)
        #expect(try db.submissionSignatures(observationID: id) == [0, 3, 4].map { signature($0).signature })
        try db.storeSignatures([signature(1)], atMilliseconds: 31)
        try db.markQuorum(quorum([0, 1, 2], have: 5), atMilliseconds: 31)
        #expect(try db.submissionSignatures(observationID: id) == [0, 1, 2].map { signature($0).signature })
        let ranked = try db.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM signature WHERE submission_rank IS NOT NULL") ?? -1
        }
        #expect(ranked == 3, "members that left the set lose their rank")
    }
}
