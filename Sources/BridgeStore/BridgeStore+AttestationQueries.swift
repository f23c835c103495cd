// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import Foundation
import GRDB

extension BridgeDatabase {
    /// The contract-minimal ordered signature set stored at quorum (what `complete_transfer` carries); empty before quorum.
    public func submissionSignatures(observationID: ObservationID) async throws -> [ValidatorSignature] {
        try await writer.read { db in
            guard let digest = try Data.fetchOne(
                db, sql: "SELECT digest FROM observation WHERE id = ? AND quorum_at_ms IS NOT NULL", arguments: [observationID.description])
            else { return [] }
            return try Self.submissionSet(digest: [UInt8](digest), db: db)
        }
    }

    /// Every stored signature for an observation (all digests), for inspection.
    public func signatures(observationID: ObservationID) async throws -> [SignedObservation] {
        try await writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT s.digest, s.validator, s.signature, s.observation_id, COALESCE(s.profile, o.profile) AS profile
                    FROM signature s LEFT JOIN observation o ON o.id = s.observation_id
                    WHERE s.observation_id = ? ORDER BY s.validator
                    """, arguments: [observationID.description]
            ).compactMap(Self.signedObservation)
        }
    }

    /// All stored equivocation evidence, oldest first.
    public func equivocationEvidence() async throws -> [EquivocationEvidence] {
        try await writer.read { db in try Row.fetchAll(db, sql: "SELECT * FROM evidence ORDER BY id").compactMap(Self.evidence) }
    }

    /// Status of one observation row, nil when absent.
    public func attestationStatus(of id: ObservationID) async throws -> AttestationStatus? {
        try await writer.read { db in
            try String.fetchOne(db, sql: "SELECT status FROM observation WHERE id = ?", arguments: [id.description])
                .flatMap(AttestationStatus.init(rawValue:))
        }
    }

    static func submissionSet(digest: [UInt8], db: Database) throws -> [ValidatorSignature] {
        try Row.fetchAll(
            db, sql: "SELECT validator, signature FROM signature WHERE digest = ? AND submission_rank IS NOT NULL ORDER BY submission_rank",
            arguments: [Data(digest)]
        ).map { ValidatorSignature(validator: [UInt8]($0["validator"] as Data), signature: [UInt8]($0["signature"] as Data)) }
    }

    static func observationID(_ row: Row) -> ObservationID? {
        guard let hash = row["tx_hash"] as Data?, let chain = row["chain_id"] as Int64?, let index = row["log_index"] as Int64?,
              chain >= 0, let logIndex = UInt32(exactly: index)
        else { return nil }
        return ObservationID(chainID: UInt64(chain), transactionHash: [UInt8](hash), logIndex: logIndex)
    }

    static func pendingObservation(_ row: Row) -> PendingObservation? {
        guard let id = observationID(row), let profile = ContractProfile(rawValue: row["profile"]),
              let digest = row["digest"] as Data?, let message = row["message"] as Data?,
              let status = AttestationStatus(rawValue: row["status"]), let updated = row["updated_at_ms"] as Int64?
        else { return nil }
        return PendingObservation(
            id: id, profile: profile, digest: [UInt8](digest), message: [UInt8](message), status: status,
            updatedAtMilliseconds: UInt64(max(0, updated)))
    }

    static func signedObservation(_ row: Row) -> SignedObservation? {
        guard let id = ObservationID(row["observation_id"] as String), let profile = (row["profile"] as String?).flatMap(ContractProfile.init(rawValue:)),
              let digest = row["digest"] as Data?, let validator = row["validator"] as Data?, let signature = row["signature"] as Data?
        else { return nil }
        return SignedObservation(
            observationID: id, profile: profile, digest: [UInt8](digest),
            signature: ValidatorSignature(validator: [UInt8](validator), signature: [UInt8](signature)))
    }

    static func evidence(_ row: Row) -> EquivocationEvidence? {
        guard let id = ObservationID(row["observation_id"] as String) else { return nil }
        return EquivocationEvidence(
            validator: [UInt8](row["validator"] as Data), observationID: id, firstDigest: [UInt8](row["digest_a"] as Data),
            firstSignature: [UInt8](row["signature_a"] as Data), secondDigest: [UInt8](row["digest_b"] as Data),
            secondSignature: [UInt8](row["signature_b"] as Data))
    }
}

extension BridgeDatabase {
    /// Writes `observed` rows with a message and digest, the way the Ethereum watcher does, for
    /// tests and the in-process benchmark (the watcher's own writer also fills the lock fields).
    public func insertObservationFixtures(_ observations: [PendingObservation], atMilliseconds now: UInt64) async throws {
        try await writer.write { db in
            let statement = try db.cachedStatement(
                sql: """
                    INSERT OR IGNORE INTO observation (id, chain_id, tx_hash, log_index, profile, block_number, block_hash, sender, token,
                    amount, payment, recipient, relayer, metadata, block_time_ms, destination_chain, status, message, digest,
                    created_at_ms, updated_at_ms)
                    VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, '1', '0', '', '', '', ?, 0, ?, ?, ?, ?, ?)
                    """)
            for o in observations {
                try statement.execute(arguments: [
                    o.id.description, Int64(o.id.chainID), Data(o.id.transactionHash), Int64(o.id.logIndex), o.profile.rawValue,
                    Data(repeating: 0, count: 32), Data(repeating: 0, count: 20), Data(repeating: 0, count: 20), Int64(now),
                    o.status.rawValue, Data(o.message), Data(o.digest), Int64(now), Int64(now),
                ])
            }
        }
    }
}

extension BridgeDatabase {
    /// Number of observation rows in `status`.
    public func observationCount(status: AttestationStatus) async throws -> Int {
        try await writer.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM observation WHERE status = ?", arguments: [status.rawValue]) ?? 0
        }
    }
}
