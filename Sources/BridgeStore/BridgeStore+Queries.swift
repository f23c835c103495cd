// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import Foundation
import GRDB

// MARK: Read model

/// One observation row with its quorum state and submission, as the inspection API shows it.
public struct AttestationRecord: Sendable, Hashable {
    public var id: String
    public var chainID: UInt64
    public var transactionHash: [UInt8]
    public var logIndex: UInt32
    public var profile: String
    public var blockNumber: UInt64
    public var blockHash: [UInt8]
    public var sender: [UInt8]
    public var token: [UInt8]
    public var amount: String
    public var payment: String
    public var recipient: String
    public var relayer: String
    public var metadata: String
    public var blockTimeMs: UInt64
    public var destinationChain: UInt32
    public var status: String
    public var reason: String?
    public var koinosToken: [UInt8]?
    public var koinosContract: [UInt8]?
    public var expiration: UInt64?
    public var digest: [UInt8]?
    public var quorumRequired: Int?
    public var quorumHave: Int?
    public var quorumAtMs: UInt64?
    public var createdAtMs: UInt64
    public var updatedAtMs: UInt64
    public var signatures: [SignatureRecord]
    public var submission: SubmissionView?
    /// The outflow governor's decision, when the token is governed.
    public var governor: GovernorEntry? = nil
}

/// One stored validator signature over an observation's digest.
public struct SignatureRecord: Sendable, Hashable {
    /// Koinos address (25 bytes) the signature was stored under.
    public var validator: [UInt8]
    /// 65-byte Koinos compact signature.
    public var signature: [UInt8]
    /// The digest it signs (the observation's digest when current).
    public var digest: [UInt8]
    /// `self` or `gossip`.
    public var source: String
    public var receivedAtMs: UInt64
}

/// The Koinos submission state of one observation.
public struct SubmissionView: Sendable, Hashable {
    public var koinosTransactionID: [UInt8]?
    public var status: String
    public var attempts: Int
    public var lastError: String?
    public var submittedAtMs: UInt64?
    public var updatedAtMs: UInt64
}

/// Two conflicting signatures by one validator for one observation (equivocation evidence).
public struct EvidenceRecord: Sendable, Hashable {
    public var id: Int64
    public var validator: [UInt8]
    public var observationID: String
    public var digestA: [UInt8]
    public var signatureA: [UInt8]
    public var digestB: [UInt8]
    public var signatureB: [UInt8]
    public var detectedAtMs: UInt64
}

/// The last heartbeat received from (or sent by) one validator.
public struct HeartbeatRecord: Sendable, Hashable {
    public var validator: [UInt8]
    public var peerID: String
    public var version: String
    public var ethereumCursor: UInt64
    public var sentAtMs: UInt64
    public var receivedAtMs: UInt64
}

/// A persisted scan cursor (e.g. the Ethereum watcher's finalized block).
public struct CursorRecord: Sendable, Hashable {
    public var name: String
    public var blockNumber: UInt64
    public var blockHash: [UInt8]?
    public var updatedAtMs: UInt64
}

/// Filters and keyset pagination for attestation listings (newest first).
public struct AttestationQuery: Sendable, Hashable {
    /// Largest page a caller may ask for.
    public static let maximumLimit = 200

    public var status: AttestationStatus?
    /// Ethereum token (20 bytes).
    public var ethereumToken: [UInt8]?
    /// Koinos token contract (25 bytes).
    public var koinosToken: [UInt8]?
    public var recipient: String?
    /// Source Ethereum transaction hash (32 bytes).
    public var sourceTransaction: [UInt8]?
    /// Continue after this position (from a previous page's `nextCursor`).
    public var after: AttestationCursor?
    public var limit: Int

    public init(
        status: AttestationStatus? = nil, ethereumToken: [UInt8]? = nil, koinosToken: [UInt8]? = nil,
        recipient: String? = nil, sourceTransaction: [UInt8]? = nil, after: AttestationCursor? = nil, limit: Int = 50
    ) {
        self.status = status
        self.ethereumToken = ethereumToken
        self.koinosToken = koinosToken
        self.recipient = recipient
        self.sourceTransaction = sourceTransaction
        self.after = after
        self.limit = min(max(limit, 1), Self.maximumLimit)
    }
}

/// A position in the newest-first listing: (created_at_ms, id) of the last item returned.
///
/// Both directions order by (created_at_ms, id), newest first; `created_at_ms` is written once when
/// a row is inserted and never updated, so a position stays valid while rows are inserted and
/// updated: a page continues exactly after the last item returned, never skipping or repeating one.
/// The id is an Ethereum observation id or a Koinos lock id (`koinos:0x…:n`), which tells the
/// direction. Text form: base64url (no padding) of `<created_at_ms>.<id>`, opaque to clients.
public struct AttestationCursor: Sendable, Hashable {
    /// Longest cursor text accepted (a Koinos lock id cursor is ~120 characters).
    static let maximumTextLength = 256

    public var createdAtMs: UInt64
    public var id: String

    public init(createdAtMs: UInt64, id: String) {
        self.createdAtMs = createdAtMs
        self.id = id
    }

    public init?(_ text: String) {
        guard text.utf8.count <= Self.maximumTextLength, let plain = Self.decode(text),
              let dot = plain.firstIndex(of: "."), let ms = UInt64(plain[..<dot]), ms <= UInt64(Int64.max)
        else { return nil }
        let id = String(plain[plain.index(after: dot)...])
        guard ObservationID(id) != nil || KoinosLockID(id) != nil else { return nil }
        self.init(createdAtMs: ms, id: id)
    }

    /// Whether the position is in the Koinos → Ethereum listing (else the Ethereum → Koinos one).
    public var isKoinosLock: Bool { KoinosLockID(id) != nil }

    public var text: String {
        Data("\(createdAtMs).\(id)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    private static func decode(_ text: String) -> String? {
        guard text.utf8.allSatisfy({ $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || (0x30...0x39).contains($0)
            || (0x41...0x5a).contains($0) || (0x61...0x7a).contains($0) })
        else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.utf8.count % 4) % 4)
        guard let data = Data(base64Encoded: base64) else { return nil }
        return String(bytes: data, encoding: .utf8)
    }
}

/// One page of attestations and the cursor of the next page (nil on the last page).
public struct AttestationPage: Sendable, Hashable {
    public var items: [AttestationRecord]
    public var nextCursor: AttestationCursor?
}

/// The read-only port the inspection API reads through. `BridgeDatabase` implements it.
public protocol BridgeReadStore: Sendable {
    func attestations(_ query: AttestationQuery) async throws -> AttestationPage
    func attestation(id: String) async throws -> AttestationRecord?
    /// Every observation of one Ethereum transaction, by log index.
    func attestations(transactionHash: [UInt8]) async throws -> [AttestationRecord]
    /// One Koinos → Ethereum lock (`BridgeStore+KoinosLocks.swift`), or nil.
    func koinosLock(_ id: KoinosLockID) async throws -> KoinosLockView?
    /// The same view as `koinosLock(_:)`, read for the API's detail routes in one query on the
    /// detail connection (`BridgeStore+AttestationDetailKoinos.swift`).
    func koinosLockDetail(_ id: KoinosLockID) async throws -> KoinosLockView?
    /// Koinos → Ethereum locks, newest first by (created_at_ms, id), after `after` (a Koinos-lock cursor).
    func koinosLocks(status: AttestationStatus?, after: AttestationCursor?, limit: Int) async throws -> KoinosLockPage
    /// Newest first; `before` is an evidence id from a previous page.
    func evidence(before: Int64?, limit: Int) async throws -> [EvidenceRecord]
    func heartbeats() async throws -> [HeartbeatRecord]
    func cursors() async throws -> [CursorRecord]
    /// Observation count per status (statuses with no rows are absent).
    func statusCounts() async throws -> [AttestationStatus: Int]
    /// The operator page's aggregates (`BridgeStore+Overview.swift`), in one read.
    func operatorOverview(nowMs: UInt64, completions: Int, hours: Int) async throws -> OperatorOverview
    /// A number that changes whenever an attestation view may change (nil: unknown, do not cache).
    var attestationGeneration: UInt64? { get }
    /// A number that changes whenever the view of the attestation `id` may change (nil: do not cache).
    func attestationGeneration(id: String) -> UInt64?
    /// The governor's decisions counted after `sinceMilliseconds` and the transfers it still holds.
    func governorState(sinceMilliseconds: UInt64) async throws -> GovernorState
    /// Stored admin-action proposals with their signatures, newest first.
    func adminProposals() async throws -> [AdminProposalState]
}

extension BridgeReadStore {
    public func koinosLock(_ id: KoinosLockID) async throws -> KoinosLockView? { nil }
    public func koinosLockDetail(_ id: KoinosLockID) async throws -> KoinosLockView? { try await koinosLock(id) }
    public func koinosLocks(status: AttestationStatus?, after: AttestationCursor?, limit: Int) async throws -> KoinosLockPage {
        KoinosLockPage(items: [], nextCursor: nil)
    }
    public var attestationGeneration: UInt64? { nil }
    public func attestationGeneration(id: String) -> UInt64? { attestationGeneration }
    public func governorState(sinceMilliseconds: UInt64) async throws -> GovernorState { GovernorState(history: [], queue: []) }
    public func adminProposals() async throws -> [AdminProposalState] { [] }
}

/// What `/v1/governor` shows: the window's history and the queue.
public struct GovernorState: Sendable, Hashable {
    public var history: [GovernorEntry]
    public var queue: [GovernorQueueItem]

    public init(history: [GovernorEntry], queue: [GovernorQueueItem]) {
        self.history = history
        self.queue = queue
    }
}

// MARK: Queries

extension BridgeDatabase: BridgeReadStore {
    public func attestations(_ query: AttestationQuery) async throws -> AttestationPage {
        try await writer.read { db in
            var clauses: [String] = []
            var arguments: [(any DatabaseValueConvertible)?] = []
            if let s = query.status { clauses.append("status = ?"); arguments.append(s.rawValue) }
            if let t = query.ethereumToken { clauses.append("token = ?"); arguments.append(Data(t)) }
            if let t = query.koinosToken { clauses.append("koinos_token = ?"); arguments.append(Data(t)) }
            if let r = query.recipient { clauses.append("recipient = ?"); arguments.append(r) }
            if let h = query.sourceTransaction { clauses.append("tx_hash = ?"); arguments.append(Data(h)) }
            if let c = query.after {
                clauses.append("(created_at_ms < ? OR (created_at_ms = ? AND id < ?))")
                arguments += [Int64(clamping: c.createdAtMs), Int64(clamping: c.createdAtMs), c.id]
            }
            let whereSQL = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
            let sql = "SELECT * FROM observation \(whereSQL) ORDER BY created_at_ms DESC, id DESC LIMIT ?"
            arguments.append(query.limit + 1)
            var rows = try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments))
            let more = rows.count > query.limit
            if more { rows.removeLast() }
            let items = try rows.map { try Self.attestation(from: $0, db: db) }
            let next = more ? items.last.map { AttestationCursor(createdAtMs: $0.createdAtMs, id: $0.id) } : nil
            return AttestationPage(items: items, nextCursor: next)
        }
    }

    public func attestation(id: String) async throws -> AttestationRecord? {
        try await detailRead { db in try Self.attestationDetail(id: id, db: db) }
    }

    public func koinosLockDetail(_ id: KoinosLockID) async throws -> KoinosLockView? {
        try await detailRead { db in try Self.koinosLockDetail(id, db: db) }
    }

    /// A one-statement detail read on the detail connection (`AttestationDetailConnection`).
    private func detailRead<T: Sendable>(_ read: @escaping @Sendable (Database) throws -> T) async throws -> T {
        if let detailConnection { return try await detailConnection.read(read) }
        return try await writer.read(read)
    }

    /// Detail reads run on the detail connection and the batches they ran in (nil in memory, where
    /// they read through `writer`): reads per batch is how many queue hops batching saved.
    public var detailReadBatches: (reads: Int, batches: Int)? {
        detailConnection.map { connection in
            let s = connection.statistics
            return (s.reads, s.batches)
        }
    }

    public func attestations(transactionHash: [UInt8]) async throws -> [AttestationRecord] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM observation WHERE tx_hash = ? ORDER BY log_index", arguments: [Data(transactionHash)])
                .map { try Self.attestation(from: $0, db: db) }
        }
    }

    public func evidence(before: Int64?, limit: Int) async throws -> [EvidenceRecord] {
        try await writer.read { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM evidence WHERE id < ? ORDER BY id DESC LIMIT ?",
                arguments: [before ?? Int64.max, min(max(limit, 1), AttestationQuery.maximumLimit)])
            return rows.map { r in
                EvidenceRecord(
                    id: r["id"], validator: Self.bytes(r["validator"]), observationID: r["observation_id"],
                    digestA: Self.bytes(r["digest_a"]), signatureA: Self.bytes(r["signature_a"]),
                    digestB: Self.bytes(r["digest_b"]), signatureB: Self.bytes(r["signature_b"]),
                    detectedAtMs: Self.u64(r["detected_at_ms"]))
            }
        }
    }

    public func heartbeats() async throws -> [HeartbeatRecord] {
        try await writer.read { db in try Self.fetchHeartbeats(db) }
    }

    public func cursors() async throws -> [CursorRecord] {
        try await writer.read { db in try Self.fetchCursors(db) }
    }

    public func statusCounts() async throws -> [AttestationStatus: Int] {
        try await writer.read { db in try Self.fetchStatusCounts(db) }
    }

    static func fetchHeartbeats(_ db: Database) throws -> [HeartbeatRecord] {
        try Row.fetchAll(db, sql: "SELECT * FROM heartbeat ORDER BY validator").map { r in
            HeartbeatRecord(
                validator: Self.bytes(r["validator"]), peerID: r["peer_id"], version: r["version"],
                ethereumCursor: Self.u64(r["eth_cursor"]), sentAtMs: Self.u64(r["sent_at_ms"]),
                receivedAtMs: Self.u64(r["received_at_ms"]))
        }
    }

    static func fetchCursors(_ db: Database) throws -> [CursorRecord] {
        try Row.fetchAll(db, sql: "SELECT * FROM cursor ORDER BY name").map { r in
            CursorRecord(
                name: r["name"], blockNumber: Self.u64(r["block_number"]),
                blockHash: (r["block_hash"] as Data?).map { Array($0) }, updatedAtMs: Self.u64(r["updated_at_ms"]))
        }
    }

    static func fetchStatusCounts(_ db: Database) throws -> [AttestationStatus: Int] {
        var counts: [AttestationStatus: Int] = [:]
        for r in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) AS n FROM observation GROUP BY status") {
            if let s = AttestationStatus(rawValue: r["status"]) { counts[s] = r["n"] }
        }
        return counts
    }

    // MARK: Row mapping

    private static func attestation(from r: Row, db: Database) throws -> AttestationRecord {
        let id: String = r["id"]
        let signatures = try Row.fetchAll(
            db.cachedStatement(sql: "SELECT * FROM signature WHERE observation_id = ? ORDER BY validator"), arguments: [id]
        ).map { s in
            SignatureRecord(
                validator: bytes(s["validator"]), signature: bytes(s["signature"]), digest: bytes(s["digest"]),
                source: s["source"], receivedAtMs: u64(s["received_at_ms"]))
        }
        let submission = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM submission WHERE observation_id = ?"), arguments: [id]).map { s in
            SubmissionView(
                koinosTransactionID: (s["koinos_tx_id"] as Data?).map { Array($0) }, status: s["status"],
                attempts: s["attempts"], lastError: s["last_error"],
                submittedAtMs: (s["submitted_at_ms"] as Int64?).map { UInt64(clamping: $0) }, updatedAtMs: u64(s["updated_at_ms"]))
        }
        let governor = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM governor_transfer WHERE observation_id = ?"), arguments: [id])
            .flatMap(SQLiteGovernorRepository.governorEntry)
        return AttestationRecord(
            id: id, chainID: u64(r["chain_id"]), transactionHash: bytes(r["tx_hash"]),
            logIndex: UInt32(clamping: r["log_index"] as Int64), profile: r["profile"], blockNumber: u64(r["block_number"]),
            blockHash: bytes(r["block_hash"]), sender: bytes(r["sender"]), token: bytes(r["token"]), amount: r["amount"],
            payment: r["payment"], recipient: r["recipient"], relayer: r["relayer"], metadata: r["metadata"],
            blockTimeMs: u64(r["block_time_ms"]), destinationChain: UInt32(clamping: r["destination_chain"] as Int64),
            status: r["status"], reason: r["reason"], koinosToken: (r["koinos_token"] as Data?).map { Array($0) },
            koinosContract: (r["koinos_contract"] as Data?).map { Array($0) },
            expiration: (r["expiration"] as Int64?).map { UInt64(clamping: $0) }, digest: (r["digest"] as Data?).map { Array($0) },
            quorumRequired: r["quorum_required"], quorumHave: r["quorum_have"],
            quorumAtMs: (r["quorum_at_ms"] as Int64?).map { UInt64(clamping: $0) },
            createdAtMs: u64(r["created_at_ms"]), updatedAtMs: u64(r["updated_at_ms"]), signatures: signatures, submission: submission,
            governor: governor)
    }

    static func bytes(_ value: Data?) -> [UInt8] { value.map { Array($0) } ?? [] }
    static func u64(_ value: Int64?) -> UInt64 { UInt64(clamping: value ?? 0) }
}
