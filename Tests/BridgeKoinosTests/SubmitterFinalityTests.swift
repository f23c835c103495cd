// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeKoinos
import BridgeSigning
import BridgeStore
import BridgeTesting
import ChainCrypto
import Foundation
import JSONRPC
import Koinos
import KoinosTestSupport
import Testing

/// Koinos finality for the first direction: a transfer is `completed` only once the block that
/// completed it is irreversible, and a fork above the LIB that drops the completing transaction
/// makes the submitter send it again, completing it once (the simulator's `simulator.fork`).
@Suite(.serialized)
struct SubmitterFinalityTests {
    static let depth = 3

    /// A simulator with LIB = head − `depth`, one validator (so it is always its turn) and one stored
    /// quorum transfer; nil when the simulator is skipped.
    struct Setup {
        let sim: KoinosSimulatorProcess
        let clock: VirtualClock
        let node: SubmitterNode
        let id: String
        let recipient: [UInt8]
    }

    static func setUp() async throws -> Setup? {
        let validator = TestValidator.make(1)[0]
        guard let sim = try await KoinosSimulatorProcess.start(validators: [validator], profile: .v1, irreversibleDepth: depth)
        else { return nil }
        let clock = VirtualClock(startMilliseconds: SubmitterSimulatorTests.wallNow)
        let node = try sim.node(validator, profile: .v1, clock: clock)
        let recipient = TestValidator(key: .generate()).address
        let message = QuorumFixture.message(sim, profile: .v1, recipient: recipient, amount: 4_242, nowMs: clock.nowMilliseconds)
        let id = try QuorumFixture.store(message, signers: [validator], in: node.db, quorumAtMs: clock.nowMilliseconds)
        return Setup(sim: sim, clock: clock, node: node, id: id, recipient: recipient)
    }

    @Test(.timeLimit(.minutes(2)))
    func completedOnlyOnceTheCompletingBlockIsIrreversible() async throws {
        guard let setup = try await Self.setUp() else { return }
        let (sim, clock, node, id, recipient) = (setup.sim, setup.clock, setup.node, setup.id, setup.recipient)

        await node.submitter.tick()
        #expect(try await node.db.submission(for: id)?.status == .submitted)
        try await sim.produceBlock()
        let landedAt = try await sim.rpc.headInfo().height
        clock.advance(milliseconds: 3_000)
        await node.submitter.tick()
        let waiting = try #require(try await node.db.submission(for: id))
        #expect(waiting.status != .completed)
        #expect(waiting.completedSeenAtHeight == landedAt)
        #expect(waiting.lastError?.contains("last irreversible block") == true, "\(waiting.lastError ?? "")")
        #expect(try QuorumFixture.observationStatus(id, in: node.db) == "submitted")
        #expect(try await sim.balance(recipient) == 4_242)  // the chain has it; we wait for finality

        for _ in 0..<(Self.depth - 1) {
            try await sim.produceBlock()
            clock.advance(milliseconds: 3_000)
            await node.submitter.tick()
            #expect(try await node.db.submission(for: id)?.status != .completed)
        }
        try await sim.produceBlock()  // LIB reaches the completing block
        clock.advance(milliseconds: 3_000)
        await node.submitter.tick()
        #expect(try await node.db.submission(for: id)?.status == .completed)
        #expect(try QuorumFixture.observationStatus(id, in: node.db) == "completed")
        await sim.stop()
    }

    @Test(.timeLimit(.minutes(2)))
    func aForkThatDropsTheCompletionIsSentAgainAndCompletesOnce() async throws {
        guard let setup = try await Self.setUp() else { return }
        let (sim, clock, node, id, recipient) = (setup.sim, setup.clock, setup.node, setup.id, setup.recipient)

        await node.submitter.tick()
        let firstTx = try #require(try await node.db.submission(for: id)?.koinosTransactionID)
        try await sim.produceBlock()
        clock.advance(milliseconds: 3_000)
        await node.submitter.tick()
        #expect(try await node.db.submission(for: id)?.completedSeenAtHeight != nil)

        // Another branch wins: the block with our transaction is gone, and so is the completion.
        let fork = try await sim.control("fork", ["depth": .int(1)])
        #expect(fork["dropped_transactions"]?.arrayValue?.count == 1)
        #expect(try await sim.balance(recipient) == 0)
        clock.advance(milliseconds: 3_000)
        await node.submitter.tick()
        let resent = try #require(try await node.db.submission(for: id))
        #expect(resent.status == .submitted)
        #expect(resent.attempts == 2)
        _ = firstTx  // may be the same id: same nonce (rolled back with the fork), same payload
        #expect(resent.completedSeenAtHeight == nil)

        for _ in 0...Self.depth {
            try await sim.produceBlock()
            clock.advance(milliseconds: 3_000)
            await node.submitter.tick()
        }
        #expect(try await node.db.submission(for: id)?.status == .completed)
        #expect(try await sim.balance(recipient) == 4_242)  // once
        let completed = try await sim.control("dump_state")["bridge"]?["completed_transfers"]?.arrayValue ?? []
        #expect(completed.count == 1)
        await sim.stop()
    }
}
