// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeKoinos
import BridgeStore
import BridgeTesting
import ChainCrypto
import Foundation
import KoinosTestSupport
import ProcessTestSupport
import Testing

/// The running submitter starts a pass when a quorum is committed, not at its next poll: with the
/// poll set to an hour, a transfer stored after the first pass read its work is still submitted
/// within seconds (it waited for the hour-long sleep before).
@Suite(.serialized)
struct SubmitterWakeTests {
    @Test(.timeLimit(.minutes(2)))
    func aQuorumCommittedAfterAPassIsSubmittedWithoutWaitingForThePoll() async throws {
        let validators = TestValidator.make(1)
        guard let sim = try await KoinosSimulatorProcess.start(validators: validators, profile: .v1) else { return }
        let clock = VirtualClock(startMilliseconds: SystemBridgeClock().nowMilliseconds)
        let node = try sim.node(validators[0], profile: .v1, clock: clock) { $0.pollIntervalMs = 3_600_000 }
        let recipient = TestValidator(key: .generate()).address
        let first = QuorumFixture.message(sim, profile: .v1, recipient: recipient, amount: 1, nowMs: clock.nowMilliseconds)
        let second = QuorumFixture.message(sim, profile: .v1, recipient: recipient, amount: 2, nowMs: clock.nowMilliseconds)
        try QuorumFixture.store(first, signers: validators, in: node.db, quorumAtMs: clock.nowMilliseconds)
        let running = Task { try await node.submitter.run() }
        // The first transfer is sent by a pass that read its work before the second one existed.
        let firstID = QuorumFixture.observationID(first.transactionID)
        #expect(try await eventually(.seconds(60)) { try await node.db.submission(for: firstID)?.status == .submitted })
        try QuorumFixture.store(second, signers: validators, in: node.db, quorumAtMs: clock.nowMilliseconds)
        let secondID = QuorumFixture.observationID(second.transactionID)
        #expect(try await eventually(.seconds(60)) { try await node.db.submission(for: secondID)?.status == .submitted })
        running.cancel()
        _ = try? await running.value
    }
}
