// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import Foundation
import GRDB

/// The aggregation's restart and catch-up reads.
extension SQLiteAttestationRepository {
    public func restoreAttestationState() async throws -> RestoredAttestationState {
        try await writer.read { db in
            let signing = try Row.fetchAll(
                db,
                sql: """
                    SELECT chain_id, tx_hash, log_index, profile, digest, message, status, updated_at_ms FROM observation
                    WHERE status = 'signing' AND digest IS NOT NULL AND message IS NOT NULL ORDER BY updated_at_ms, id
                    """
            ).compactMap(BridgeDatabase.pendingObservation)
            let signatures = try Row.fetchAll(
                db,
                sql: """
                    SELECT s.digest, s.validator, s.signature, s.observation_id, COALESCE(s.profile, o.profile) AS profile
                    FROM signature s LEFT JOIN observation o ON o.id = s.observation_id
                    WHERE o.id IS NULL OR o.status IN ('observed', 'signing') OR o.digest IS NOT s.digest
                    ORDER BY s.received_at_ms
                    """
            ).compactMap(BridgeDatabase.signedObservation)
            let evidence = try Row.fetchAll(db, sql: "SELECT * FROM evidence ORDER BY id").compactMap(BridgeDatabase.evidence)
            let last = try Int64.fetchOne(db, sql: "SELECT MAX(quorum_at_ms) FROM observation") ?? 0
            return RestoredAttestationState(
                signing: signing, signatures: signatures, evidence: evidence, lastQuorumMilliseconds: UInt64(max(0, last)))
        }
    }

    public func quorumAttestations(sinceMilliseconds: UInt64, limit: Int) async throws -> [SignatureSet] {
        try await writer.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT chain_id, tx_hash, log_index, profile, digest FROM observation
                    WHERE quorum_at_ms >= ? AND status IN ('quorum', 'submitted', 'completed') AND digest IS NOT NULL
                    ORDER BY quorum_at_ms, id LIMIT ?
                    """, arguments: [Int64(clamping: sinceMilliseconds), limit])
            return try rows.compactMap { row -> SignatureSet? in
                guard let id = BridgeDatabase.observationID(row), let profile = ContractProfile(rawValue: row["profile"]),
                      let digest = (row["digest"] as Data?).map({ [UInt8]($0) })
                else { return nil }
                return SignatureSet(observationID: id, profile: profile, digest: digest, signatures: try BridgeDatabase.submissionSet(digest: digest, db: db))
            }
        }
    }

    public func quorumAttestation(for id: ObservationID) async throws -> SignatureSet? {
        try await writer.read { db in
            guard let row = try Row.fetchOne(
                db, sql: "SELECT profile, digest FROM observation WHERE id = ? AND quorum_at_ms IS NOT NULL AND digest IS NOT NULL",
                arguments: [id.description]),
                let profile = ContractProfile(rawValue: row["profile"]), let digest = (row["digest"] as Data?).map({ [UInt8]($0) })
            else { return nil }
            let signatures = try BridgeDatabase.submissionSet(digest: digest, db: db)
            return signatures.isEmpty ? nil : SignatureSet(observationID: id, profile: profile, digest: digest, signatures: signatures)
        }
    }
}
