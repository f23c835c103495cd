// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeStore

/// The API's reads through a small gate: at most `permits` store reads of the API run at once, so
/// the API never holds more than that many of the database's readers and the watcher, signer and
/// submitter always find one free, however hard the API is hammered.
///
/// The two detail reads (`attestation(id:)`, `koinosLockDetail(_:)`) pass straight through: the
/// database serves them on a read-only connection of their own, in batches on one queue, which is
/// none of the readers the gate protects (`AttestationDetailConnection`); the request gate bounds them.
struct GatedReadStore: BridgeReadStore {
    let base: any BridgeReadStore
    let gate: AdmissionGate

    init(_ base: any BridgeReadStore, permits: Int) {
        self.base = base
        // Requests are bounded by the request gate, so the waiting line here needs no bound of its own.
        self.gate = AdmissionGate(permits: permits, queueLimit: .max)
    }

    private func read<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        guard let value = try await gate.run(body) else { throw CancellationError() }
        return value
    }

    func attestations(_ query: AttestationQuery) async throws -> AttestationPage { try await read { try await base.attestations(query) } }
    func koinosLock(_ id: KoinosLockID) async throws -> KoinosLockView? { try await read { try await base.koinosLock(id) } }
    func koinosLocks(status: AttestationStatus?, after: AttestationCursor?, limit: Int) async throws -> KoinosLockPage {
        try await read { try await base.koinosLocks(status: status, after: after, limit: limit) }
    }
    func governorState(sinceMilliseconds: UInt64) async throws -> GovernorState {
        try await read { try await base.governorState(sinceMilliseconds: sinceMilliseconds) }
    }
    func attestation(id: String) async throws -> AttestationRecord? { try await base.attestation(id: id) }
    func koinosLockDetail(_ id: KoinosLockID) async throws -> KoinosLockView? { try await base.koinosLockDetail(id) }
    func attestations(transactionHash: [UInt8]) async throws -> [AttestationRecord] {
        try await read { try await base.attestations(transactionHash: transactionHash) }
    }
    func evidence(before: Int64?, limit: Int) async throws -> [EvidenceRecord] { try await read { try await base.evidence(before: before, limit: limit) } }
    func heartbeats() async throws -> [HeartbeatRecord] { try await read { try await base.heartbeats() } }
    func cursors() async throws -> [CursorRecord] { try await read { try await base.cursors() } }
    func statusCounts() async throws -> [AttestationStatus: Int] { try await read { try await base.statusCounts() } }
    func operatorOverview(nowMs: UInt64, completions: Int, hours: Int) async throws -> OperatorOverview {
        try await read { try await base.operatorOverview(nowMs: nowMs, completions: completions, hours: hours) }
    }
    func adminProposals() async throws -> [AdminProposalState] { try await read { try await base.adminProposals() } }
    var attestationGeneration: UInt64? { base.attestationGeneration }
    func attestationGeneration(id: String) -> UInt64? { base.attestationGeneration(id: id) }
}
