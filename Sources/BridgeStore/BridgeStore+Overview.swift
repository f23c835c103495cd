// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import Foundation
import GRDB

/// What the operator's page shows beside the attestation list, read in one transaction.
public struct OperatorOverview: Sendable, Hashable {
    /// One completed transfer: when it was locked on Ethereum and when it completed here.
    public struct Completion: Sendable, Hashable {
        public var id: String
        /// The lock's block time (chain time, ms).
        public var lockedAtMs: UInt64
        /// When this node recorded it completed (ms).
        public var completedAtMs: UInt64
        /// Lock to completed, 0 when the clocks disagree.
        public var latencyMs: UInt64 { completedAtMs >= lockedAtMs ? completedAtMs - lockedAtMs : 0 }
    }

    /// Locks observed in one hour.
    public struct HourCount: Sendable, Hashable {
        /// Start of the hour (ms since 1970, a multiple of 3,600,000).
        public var hourStartMs: UInt64
        public var observed: Int
    }

    /// Observation count per status (statuses with no rows are absent).
    public var statusCounts: [AttestationStatus: Int]
    /// The last completed transfers, oldest first.
    public var completions: [Completion]
    /// One entry per hour of the window, oldest first (hours without locks count 0).
    public var hourly: [HourCount]
    /// Signatures received in the last hour per validator (Koinos address bytes).
    public var signaturesLastHour: [[UInt8]: Int]
    public var heartbeats: [HeartbeatRecord]
    public var cursors: [CursorRecord]
    /// Rows of equivocation evidence stored.
    public var evidenceCount: Int
    /// Submissions whose last attempt failed (retried, never dropped).
    public var failingSubmissions: Int
    /// The newest failure message among them.
    public var lastSubmissionError: String?
}

extension BridgeDatabase {
    /// Everything the operator's page needs besides the attestation list, in one read transaction.
    ///
    /// - Parameters:
    ///   - nowMs: the page's clock (the hour window and the signature hour end here).
    ///   - completions: how many of the newest completed transfers to return.
    ///   - hours: the length of the hourly window.
    public func operatorOverview(nowMs: UInt64, completions: Int, hours: Int) async throws -> OperatorOverview {
        let hourMs: UInt64 = 3_600_000
        let nowHour = nowMs / hourMs
        let firstHourIndex = nowHour - min(nowHour, UInt64(min(max(hours, 1), 24 * 14) - 1))
        let hours = Int(nowHour - firstHourIndex) + 1
        let firstHour = firstHourIndex * hourMs
        return try await writer.read { db in
            let completed = try Row.fetchAll(
                db.cachedStatement(
                    sql: "SELECT id, block_time_ms, updated_at_ms FROM observation WHERE status = 'completed' ORDER BY updated_at_ms DESC, id DESC LIMIT ?"),
                arguments: [min(max(completions, 0), 10_000)]
            ).map { r in
                OperatorOverview.Completion(id: r["id"], lockedAtMs: UInt64(clamping: r["block_time_ms"] as Int64), completedAtMs: UInt64(clamping: r["updated_at_ms"] as Int64))
            }
            var perHour = [UInt64: Int]()
            for r in try Row.fetchAll(
                db.cachedStatement(
                    sql: "SELECT created_at_ms / 3600000 AS hour, COUNT(*) AS n FROM observation WHERE created_at_ms >= ? GROUP BY hour"),
                arguments: [Int64(clamping: firstHour)])
            {
                perHour[UInt64(clamping: r["hour"] as Int64) &* hourMs] = r["n"]
            }
            let hourly = (0..<hours).map { i in
                let start = firstHour &+ UInt64(i) &* hourMs
                return OperatorOverview.HourCount(hourStartMs: start, observed: perHour[start] ?? 0)
            }
            var signatures = [[UInt8]: Int]()
            for r in try Row.fetchAll(
                db.cachedStatement(sql: "SELECT validator, COUNT(*) AS n FROM signature WHERE received_at_ms >= ? GROUP BY validator"),
                arguments: [Int64(clamping: nowMs >= hourMs ? nowMs - hourMs : 0)])
            {
                signatures[[UInt8](r["validator"] as Data? ?? Data())] = r["n"]
            }
            let evidence = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM evidence") ?? 0
            let failing = try Row.fetchOne(
                db, sql: "SELECT COUNT(*) AS n, (SELECT last_error FROM submission WHERE status = 'failed' ORDER BY updated_at_ms DESC LIMIT 1) AS e FROM submission WHERE status = 'failed'")
            return OperatorOverview(
                statusCounts: try Self.fetchStatusCounts(db), completions: completed.reversed(), hourly: hourly,
                signaturesLastHour: signatures, heartbeats: try Self.fetchHeartbeats(db), cursors: try Self.fetchCursors(db), evidenceCount: evidence, failingSubmissions: (failing?["n"] as Int?) ?? 0,
                lastSubmissionError: failing?["e"] as String?)
        }
    }
}
