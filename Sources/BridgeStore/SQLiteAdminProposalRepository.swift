// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import Foundation
import GRDB

/// Admin proposals and their signatures (migration v7-admin-proposals): the
/// `AdminProposalRepository` port over the node's one database writer. Runs on GRDB's queues.
public struct SQLiteAdminProposalRepository: AdminProposalRepository {
    let writer: any DatabaseWriter

    public init(_ database: BridgeDatabase) {
        writer = database.writer
    }

    public func saveAdminProposal(_ state: AdminProposalState) async throws {
        try await writer.write { db in
            let p = state.proposal
            let m = p.message
            var target: Data?
            var paused: Bool?
            switch m.target {
            case .address(let address): target = Data(address)
            case .pause(let value): paused = value
            }
            try db.execute(
                sql: """
                    INSERT INTO admin_proposal (digest, profile, action, target, paused, nonce, contract, expiration_ms, chain,
                        proposer, proposed_at_ms, required, submitted_tx)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(digest) DO UPDATE SET required = excluded.required,
                        submitted_tx = COALESCE(excluded.submitted_tx, admin_proposal.submitted_tx)
                    """,
                arguments: [
                    Data(p.digest), m.profile.rawValue, Int64(clamping: m.action.rawValue), target, paused, Int64(clamping: m.nonce),
                    Data(m.contract), Int64(clamping: m.expiration), Int64(m.chain), Data(p.proposer),
                    Int64(clamping: p.proposedAtMilliseconds), state.required, state.submittedTransaction.map { Data($0) },
                ])
            let insert = try db.cachedStatement(sql: "INSERT OR IGNORE INTO admin_signature (digest, validator, signature) VALUES (?, ?, ?)")
            for signature in state.signatures {
                try insert.execute(arguments: [Data(p.digest), Data(signature.validator), Data(signature.signature)])
            }
        }
    }

    public func deleteAdminProposals(_ digests: [[UInt8]]) async throws {
        guard !digests.isEmpty else { return }
        try await writer.write { db in
            for digest in digests {
                try db.execute(sql: "DELETE FROM admin_signature WHERE digest = ?", arguments: [Data(digest)])
                try db.execute(sql: "DELETE FROM admin_proposal WHERE digest = ?", arguments: [Data(digest)])
            }
        }
    }

    public func adminProposals() async throws -> [AdminProposalState] {
        try await writer.read { db in
            let signatures = try Row.fetchAll(db, sql: "SELECT * FROM admin_signature ORDER BY digest, validator")
            var byDigest: [[UInt8]: [ValidatorSignature]] = [:]
            for row in signatures {
                byDigest[Array(row["digest"] as Data), default: []].append(
                    ValidatorSignature(validator: Array(row["validator"] as Data), signature: Array(row["signature"] as Data)))
            }
            return try Row.fetchAll(db, sql: "SELECT * FROM admin_proposal ORDER BY proposed_at_ms DESC, digest").compactMap { row in
                Self.adminProposal(row, signatures: byDigest[Array(row["digest"] as Data)] ?? [])
            }
        }
    }

    /// nil for a row this version cannot read (unknown profile or action).
    static func adminProposal(_ row: Row, signatures: [ValidatorSignature]) -> AdminProposalState? {
        guard let profile = ContractProfile(rawValue: row["profile"]),
              let action = BridgeAction(rawValue: UInt64(clamping: row["action"] as Int64)),
              let chain = UInt32(exactly: row["chain"] as Int64)
        else { return nil }
        let target: AdminActionMessage.Target
        if let address = row["target"] as Data? {
            target = .address(Array(address))
        } else {
            target = .pause(row["paused"] as Bool? ?? false)
        }
        let message = AdminActionMessage(
            profile: profile, action: action, target: target, nonce: UInt64(clamping: row["nonce"] as Int64),
            contract: Array(row["contract"] as Data), expiration: UInt64(clamping: row["expiration_ms"] as Int64), chain: chain)
        // The contract's address size tells the chain (Ethereum 20 bytes, Koinos 25): no column needed.
        let proposal = AdminProposal(
            message: message, digest: Array(row["digest"] as Data), proposer: Array(row["proposer"] as Data),
            proposedAtMilliseconds: UInt64(clamping: row["proposed_at_ms"] as Int64),
            chain: message.contract.count == AdminChain.ethereum.addressLength ? .ethereum : .koinos)
        return AdminProposalState(
            proposal: proposal, signatures: signatures, required: row["required"],
            submittedTransaction: (row["submitted_tx"] as Data?).map { Array($0) })
    }
}

extension BridgeDatabase {
    /// Stored admin proposals for the inspection API's read port.
    public func adminProposals() async throws -> [AdminProposalState] {
        try await SQLiteAdminProposalRepository(self).adminProposals()
    }
}
