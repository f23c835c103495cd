// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import Foundation
import GRDB

/// One attestation in ONE query: the observation, its submission and its governor decision, joined
/// to each of its signatures (one row per signature; the other tables' columns are read from the
/// first row). One statement sees one snapshot, so the read needs no transaction. The statement
/// is cached per connection and its columns are read by position (a governed transfer's decision
/// columns are copied into a row of their own, which `governorEntry` reads as it reads the table).
extension BridgeDatabase {
    static let attestationDetailSQL = """
        SELECT o.id, o.chain_id, o.tx_hash, o.log_index, o.profile, o.block_number, o.block_hash, o.sender, o.token, o.amount,
        o.payment, o.recipient, o.relayer, o.metadata, o.block_time_ms, o.destination_chain, o.status, o.reason, o.koinos_token,
        o.koinos_contract, o.expiration, o.digest, o.quorum_required, o.quorum_have, o.quorum_at_ms, o.created_at_ms, o.updated_at_ms,
        sub.observation_id IS NOT NULL, sub.koinos_tx_id, sub.status, sub.attempts, sub.last_error, sub.submitted_at_ms, sub.updated_at_ms,
        s.validator, s.signature, s.digest, s.source, s.received_at_ms,
        g.observation_id, g.token, g.amount, g.source_time_ms, g.release_at_ms, g.reason, g.released_early_at_ms
        FROM observation o
        LEFT JOIN submission sub ON sub.observation_id = o.id
        LEFT JOIN governor_transfer g ON g.observation_id = o.id
        LEFT JOIN signature s ON s.observation_id = o.id
        WHERE o.id = ? ORDER BY s.validator, s.digest
        """

    /// Column positions of `attestationDetailSQL`.
    private enum Column {
        static let submission = 27, signature = 34, governor = 39
    }

    /// The `governor_transfer` columns the query selects, in its order (`governorEntry` reads them by name).
    private static let governorColumns = ["observation_id", "token", "amount", "source_time_ms", "release_at_ms", "reason", "released_early_at_ms"]

    static func attestationDetail(id: String, db: Database) throws -> AttestationRecord? {
        let rows = try Row.fetchCursor(db.cachedStatement(sql: attestationDetailSQL), arguments: [id])
        guard let r = try rows.next() else { return nil }
        var record = AttestationRecord(
            id: r[0], chainID: u64(r[1]), transactionHash: bytes(r[2]), logIndex: UInt32(clamping: r[3] as Int64), profile: r[4],
            blockNumber: u64(r[5]), blockHash: bytes(r[6]), sender: bytes(r[7]), token: bytes(r[8]), amount: r[9], payment: r[10],
            recipient: r[11], relayer: r[12], metadata: r[13], blockTimeMs: u64(r[14]), destinationChain: UInt32(clamping: r[15] as Int64),
            status: r[16], reason: r[17], koinosToken: (r[18] as Data?).map { Array($0) }, koinosContract: (r[19] as Data?).map { Array($0) },
            expiration: (r[20] as Int64?).map { UInt64(clamping: $0) }, digest: (r[21] as Data?).map { Array($0) },
            quorumRequired: (r[22] as Int64?).map { Int(clamping: $0) }, quorumHave: (r[23] as Int64?).map { Int(clamping: $0) },
            quorumAtMs: (r[24] as Int64?).map { UInt64(clamping: $0) }, createdAtMs: u64(r[25]), updatedAtMs: u64(r[26]),
            signatures: [], submission: nil)
        let s = Column.submission
        if r[s] as Bool {
            record.submission = SubmissionView(
                koinosTransactionID: (r[s + 1] as Data?).map { Array($0) }, status: r[s + 2], attempts: r[s + 3], lastError: r[s + 4],
                submittedAtMs: (r[s + 5] as Int64?).map { UInt64(clamping: $0) }, updatedAtMs: u64(r[s + 6]))
        }
        if !r.hasNull(atIndex: Column.governor) {
            // A governed transfer (rare): its columns copied into a row of their own. A row adapter
            // would do this for every detail, governed or not, and costs a third of the read.
            let values: [(any DatabaseValueConvertible)?] = governorColumns.indices.map { r[Column.governor + $0] as DatabaseValue }
            record.governor = SQLiteGovernorRepository.governorEntry(Row(Dictionary(uniqueKeysWithValues: zip(governorColumns, values))))
        }
        var row: Row? = r
        while let current = row {
            let g = Column.signature
            if let validator = current[g] as Data? {
                record.signatures.append(SignatureRecord(
                    validator: Array(validator), signature: bytes(current[g + 1]), digest: bytes(current[g + 2]), source: current[g + 3],
                    receivedAtMs: u64(current[g + 4])))
            }
            row = try rows.next()
        }
        return record
    }
}
