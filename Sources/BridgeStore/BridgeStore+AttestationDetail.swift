// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import Foundation
import GRDB
import GRDBSQLite

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
        let rows = try AttestationDetailCursor(statement: db.cachedStatement(sql: attestationDetailSQL), id: id)
        try rows.forEach { _ in }
        return rows.record
    }

    /// Reads `attestationDetailSQL`'s rows by column position from the statement itself: no `Row`
    /// (GRDB builds a table of the 46 lowercased column names for every row cursor; profiled at
    /// 40 % of the read). The first row fills the record, every row adds its signature.
    final class AttestationDetailCursor: DatabaseCursor {
        typealias Element = Void
        let _statement: Statement
        var _isDone = false
        private(set) var record: AttestationRecord?

        init(statement: Statement, id: String) throws {
            _statement = statement
            try statement.setArguments([id])  // resets the statement too
        }

        func _element(sqliteStatement: SQLiteStatement) {
            let r = ColumnReader(statement: sqliteStatement)
            if record == nil { record = Self.attestation(r) }
            let g = Column.signature
            if let validator = r.bytes(g) {
                record?.signatures.append(SignatureRecord(
                    validator: validator, signature: r.bytes(g + 1) ?? [], digest: r.bytes(g + 2) ?? [], source: r.text(g + 3) ?? "",
                    receivedAtMs: u64(r.int(g + 4))))
            }
        }

        private static func attestation(_ r: ColumnReader) -> AttestationRecord {
            var record = AttestationRecord(
                id: r.text(0) ?? "", chainID: u64(r.int(1)), transactionHash: r.bytes(2) ?? [], logIndex: UInt32(clamping: r.int(3) ?? 0),
                profile: r.text(4) ?? "", blockNumber: u64(r.int(5)), blockHash: r.bytes(6) ?? [], sender: r.bytes(7) ?? [],
                token: r.bytes(8) ?? [], amount: r.text(9) ?? "", payment: r.text(10) ?? "", recipient: r.text(11) ?? "",
                relayer: r.text(12) ?? "", metadata: r.text(13) ?? "", blockTimeMs: u64(r.int(14)),
                destinationChain: UInt32(clamping: r.int(15) ?? 0), status: r.text(16) ?? "", reason: r.text(17), koinosToken: r.bytes(18),
                koinosContract: r.bytes(19), expiration: r.int(20).map { UInt64(clamping: $0) }, digest: r.bytes(21),
                quorumRequired: r.int(22).map { Int(clamping: $0) }, quorumHave: r.int(23).map { Int(clamping: $0) },
                quorumAtMs: r.int(24).map { UInt64(clamping: $0) }, createdAtMs: u64(r.int(25)), updatedAtMs: u64(r.int(26)),
                signatures: [], submission: nil)
            let s = Column.submission
            if r.int(s) == 1 {
                record.submission = SubmissionView(
                    koinosTransactionID: r.bytes(s + 1), status: r.text(s + 2) ?? "", attempts: Int(clamping: r.int(s + 3) ?? 0),
                    lastError: r.text(s + 4), submittedAtMs: r.int(s + 5).map { UInt64(clamping: $0) }, updatedAtMs: u64(r.int(s + 6)))
            }
            if !r.value(Column.governor).isNull {
                // A governed transfer (rare): its columns copied into a row of their own, read as the table is.
                let values: [(any DatabaseValueConvertible)?] = governorColumns.indices.map { r.value(Column.governor + $0) }
                record.governor = SQLiteGovernorRepository.governorEntry(Row(Dictionary(uniqueKeysWithValues: zip(governorColumns, values))))
            }
            return record
        }
    }

    /// Typed reads of the current row's columns (NULL, or a value of another type, reads as nil),
    /// with SQLite's own accessors for the stored types the schema uses; anything else is converted
    /// the way GRDB converts a `DatabaseValue`.
    struct ColumnReader {
        let statement: SQLiteStatement

        func value(_ index: Int) -> DatabaseValue { DatabaseValue(sqliteStatement: statement, index: CInt(index)) }

        func int(_ index: Int) -> Int64? {
            guard sqlite3_column_type(statement, CInt(index)) == SQLITE_INTEGER else { return Int64.fromDatabaseValue(value(index)) }
            return sqlite3_column_int64(statement, CInt(index))
        }

        func text(_ index: Int) -> String? {
            guard sqlite3_column_type(statement, CInt(index)) == SQLITE_TEXT else { return String.fromDatabaseValue(value(index)) }
            return String(sqliteStatement: statement, index: CInt(index))
        }

        /// A blob's bytes copied once (not through `Data`).
        func bytes(_ index: Int) -> [UInt8]? {
            let i = CInt(index)
            guard sqlite3_column_type(statement, i) == SQLITE_BLOB else { return Data.fromDatabaseValue(value(index)).map { Array($0) } }
            let count = Int(sqlite3_column_bytes(statement, i))
            guard count > 0, let start = sqlite3_column_blob(statement, i) else { return [] }
            return Array(UnsafeRawBufferPointer(start: start, count: count))
        }
    }
}
