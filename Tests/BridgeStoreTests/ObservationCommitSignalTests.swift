// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeStore
import GRDB
import Primitives
import Testing

/// The store's commit observer is what wakes the stages that act on observation rows.
@Suite struct ObservationCommitSignalTests {
    static func record(logIndex: UInt32) -> ObservationRecord {
        let observation = LockObservation(
            id: ObservationID(chainID: 1, transactionHash: [UInt8](repeating: 0x42, count: 32), logIndex: logIndex),
            profile: .v2, blockNumber: 10, blockHash: [UInt8](repeating: 0xaa, count: 32), sender: [UInt8](repeating: 1, count: 20),
            token: [UInt8](repeating: 2, count: 20), amount: 1, payment: 0, recipient: "r", relayer: "", metadata: "", blockTimeMs: 0,
            destinationChain: 0)
        return ObservationRecord(observation: observation, status: .observed, reason: nil)
    }

    @Test func onlyACommittedObservationChangeSignals() async throws {
        let db = try BridgeDatabase()
        let signal = db.observationCommits
        let start = signal.generation
        _ = try await db.commitScan(cursor: "c", nextBlock: 5, records: [], nowMs: 1)
        #expect(signal.generation == start, "a cursor-only commit changes no observation")
        _ = try await db.commitScan(cursor: "c", nextBlock: 11, records: [Self.record(logIndex: 0), Self.record(logIndex: 1)], nowMs: 2)
        #expect(signal.generation == start + 1, "one transaction, one signal")
        try? await db.writer.write { db in
            try db.execute(sql: "UPDATE observation SET updated_at_ms = 3")
            throw CancellationError()  // rolled back
        }
        #expect(signal.generation == start + 1, "a rolled-back transaction signals nothing")
    }

    /// A stage waiting with a long safety poll wakes as soon as another stage commits.
    @Test(.timeLimit(.minutes(3))) func aWaitingStageWakesAtTheCommit() async throws {
        let db = try BridgeDatabase()
        let seen = db.observationCommits.generation
        let started = ContinuousClock.now
        async let woke: Void = db.observationCommits.wait(beyond: seen, upTo: .seconds(600))
        _ = try await db.commitScan(cursor: "c", nextBlock: 11, records: [Self.record(logIndex: 0)], nowMs: 2)
        await woke
        #expect(ContinuousClock.now - started < .seconds(120), "woken by the signal, not by the 600 s safety timeout (other suites may hold the cooperative pool for seconds)")
    }
}
