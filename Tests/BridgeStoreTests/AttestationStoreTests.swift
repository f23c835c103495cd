// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeStore
import Foundation
import Testing

/// Signatures, quorum sets, evidence and heartbeats survive closing and reopening the SQLite file.
@Suite struct AttestationStoreTests {
    let id = ObservationID(chainID: 1337, transactionHash: Array(repeating: 0x42, count: 32), logIndex: 3)
    let digest = Array(repeating: UInt8(0xd1), count: 32)
    let validators = (1...4).map { i in [UInt8(0)] + Array(repeating: UInt8(i), count: 24) }

    func signature(_ v: Int, digest: [UInt8]? = nil) -> SignedObservation {
        SignedObservation(
            observationID: id, profile: .v1, digest: digest ?? self.digest,
            signature: ValidatorSignature(validator: validators[v], signature: [31] + Array(repeating: UInt8(v), count: 64)))
    }

    func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("agg-store-\(UUID().uuidString).sqlite").path
    }

    @Test func attestationStateSurvivesReopening() async throws {
        let path = temporaryPath()
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let pending = PendingObservation(id: id, profile: .v1, digest: digest, message: [1, 2, 3], status: .observed, updatedAtMilliseconds: 0)
        let fake = Array(repeating: UInt8(0xfa), count: 32)
        do {
            let db = try BridgeDatabase(path: path)
            try await db.insertObservationFixtures([pending], atMilliseconds: 10)
            #expect(try await SQLiteAttestationRepository(db).observationsAwaitingSignature(limit: 10).map(\.id) == [id])
            try await db.writeAttestation(.ownSignatures([signature(0)]), atMilliseconds: 20)
            #expect(try await db.attestationStatus(of: id) == .signing)
            #expect(try await SQLiteAttestationRepository(db).observationsAwaitingSignature(limit: 10).isEmpty)
            try await db.writeAttestation(.peerSignatures([signature(1), signature(2), signature(3)]), atMilliseconds: 30)
            try await db.writeAttestation(.peerSignatures([signature(1)]), atMilliseconds: 31)  // duplicate ignored
            try await db.writeAttestation(.equivocation(
                EquivocationEvidence(
                    validator: validators[3], observationID: id, firstDigest: digest, firstSignature: signature(3).signature.signature,
                    secondDigest: fake, secondSignature: signature(3, digest: fake).signature.signature)),
                atMilliseconds: 35)
            let set = [signature(0), signature(1), signature(2)].map(\.signature)
            try await db.writeAttestation(.quorum(QuorumRecord(observationID: id, digest: digest, required: 3, have: 3, submissionSet: set)), atMilliseconds: 40)
            try await db.writeAttestation(.heartbeat(
                ValidatorHeartbeat(validator: validators[1], peerID: "peer-1", softwareVersion: "v", ethereumCursor: 99, timestampMilliseconds: 41)),
                atMilliseconds: 42)
            try await db.writeAttestation(.heartbeat(  // older heartbeat does not overwrite
                ValidatorHeartbeat(validator: validators[1], peerID: "peer-old", softwareVersion: "v", ethereumCursor: 1, timestampMilliseconds: 5)),
                atMilliseconds: 43)
        }
        let reopened = try BridgeDatabase(path: path)
        #expect(try await reopened.attestationStatus(of: id) == .quorum)
        #expect(try await reopened.submissionSignatures(observationID: id) == [signature(0), signature(1), signature(2)].map(\.signature))
        #expect(try await reopened.signatures(observationID: id).map(\.signature.validator) == Array(validators.prefix(3)))
        let evidence = try await reopened.equivocationEvidence()
        #expect(evidence.count == 1)
        #expect(evidence.first?.secondDigest == fake)
        #expect(try await reopened.heartbeats().map(\.peerID) == ["peer-1"])
        let sets = try await SQLiteAttestationRepository(reopened).quorumAttestations(sinceMilliseconds: 40, limit: 10)
        #expect(sets == [SignatureSet(observationID: id, profile: .v1, digest: digest, signatures: [signature(0), signature(1), signature(2)].map(\.signature))])
        #expect(try await SQLiteAttestationRepository(reopened).quorumAttestations(sinceMilliseconds: 41, limit: 10).isEmpty)
        let restored = try await SQLiteAttestationRepository(reopened).restoreAttestationState()
        #expect(restored.signing.isEmpty)
        #expect(restored.lastQuorumMilliseconds == 40)
        #expect(restored.evidence == evidence)
    }

    @Test func signingObservationsAndTheirSignaturesAreRestored() async throws {
        let db = try BridgeDatabase()
        let pending = PendingObservation(id: id, profile: .v2, digest: digest, message: [9], status: .observed, updatedAtMilliseconds: 0)
        try await db.insertObservationFixtures([pending], atMilliseconds: 1)
        try await db.writeAttestation(.ownSignatures([signature(0)]), atMilliseconds: 2)
        try await db.writeAttestation(.peerSignatures([signature(1)]), atMilliseconds: 3)
        let restored = try await SQLiteAttestationRepository(db).restoreAttestationState()
        #expect(restored.signing.map(\.id) == [id])
        #expect(restored.signing.first?.updatedAtMilliseconds == 2)
        #expect(Set(restored.signatures.map(\.signature.validator)) == Set(validators.prefix(2)))
        try await db.writeAttestation(.expired([id]), atMilliseconds: 5)
        #expect(try await db.attestationStatus(of: id) == .expired)
        try await db.writeAttestation(.revokeQuorum(id), atMilliseconds: 6)  // only from quorum: expired stays expired
        #expect(try await db.attestationStatus(of: id) == .expired)
    }
}
