// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
public import Primitives
import Synchronization

/// The submitter's `SubmissionQueue` in memory: observations at quorum and their submission rows,
/// written atomically together as the database does, with the same commit signal.
public final class InMemorySubmissionQueue: SubmissionQueue {
    private struct State {
        var observations: [String: SubmittableObservation] = [:]
        var rows: [String: SubmissionRecord] = [:]
        var writes = 0
    }

    private let state = Mutex(State())
    public let observationCommits = ChangeSignal()

    public init() {}

    /// Adds an observation (its `submission` is ignored: rows live in the queue) and signals, as a quorum commit does.
    public func add(_ observation: SubmittableObservation) {
        state.withLock { $0.observations[observation.id] = observation }
        observationCommits.signal()
    }

    public func submittableObservations(limit: Int) async throws -> [SubmittableObservation] {
        state.withLock { s in
            let oldestFirst = s.observations.values.sorted { ($0.quorumAtMs, $0.id) < ($1.quorumAtMs, $1.id) }
            let notSent = oldestFirst.filter { $0.status == .quorum }.prefix(max(0, limit))
            let inFlight = oldestFirst.filter { $0.status == .submitted }.prefix(max(0, limit))
            return (notSent + inFlight)
                .sorted { ($0.quorumAtMs, $0.id) < ($1.quorumAtMs, $1.id) }
                .map { o in
                    var o = o
                    o.submission = s.rows[o.id]
                    return o
                }
        }
    }

    public func saveSubmission(_ record: SubmissionRecord, observationStatus: AttestationStatus?) async throws {
        let moved = state.withLock { s -> Bool in
            s.rows[record.observationID] = record
            s.writes += 1
            guard let observationStatus, s.observations[record.observationID] != nil else { return false }
            s.observations[record.observationID]?.status = observationStatus
            return true
        }
        if moved { observationCommits.signal() }
    }

    /// The submission row of `id`.
    public func submission(for id: String) -> SubmissionRecord? { state.withLock { $0.rows[id] } }

    /// The observation's status.
    public func status(of id: String) -> AttestationStatus? { state.withLock { $0.observations[id]?.status } }

    /// How many rows were written so far (a pass that changes nothing writes nothing).
    public var writes: Int { state.withLock { $0.writes } }
}
