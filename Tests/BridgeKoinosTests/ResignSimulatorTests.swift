// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeKoinos
import BridgeSigning
import BridgeStore
import BridgeTesting
import ChainCrypto
import Foundation
import Koinos
import KoinosTestSupport
import Testing

/// The Koinos simulator's contract accepts a set re-signed after an Ethereum `RequestNewSignatures`
/// (§2.7): the transfer's expired set goes nowhere; the store's re-sign (what the Ethereum watcher
/// commits) gives it the new expiration's message and digest, and the validators' new signatures
/// complete it, through the real submitter and real transactions.
@Suite(.serialized)
struct ResignSimulatorTests {
    @Test func anExpiredTransferCompletesWithItsResignedSet() async throws {
        let validators = TestValidator.make(3)
        guard let sim = try await KoinosSimulatorProcess.start(validators: validators, profile: .v1) else { return }
        let now = SystemBridgeClock().nowMilliseconds
        let clock = VirtualClock(startMilliseconds: now)
        let recipient = TestValidator(key: .generate()).address
        var message = QuorumFixture.message(sim, profile: .v1, recipient: recipient, amount: 77_000, nowMs: now)
        message.expiration = now - 2 * 3_600_000  // expired an hour after its lock, an hour ago
        let id = QuorumFixture.observationID(message.transactionID)
        let node = try sim.node(validators[SubmitterRotation.firstIndex(observationID: id, validatorCount: 3)], profile: .v1, clock: clock)
        try QuorumFixture.store(message, signers: validators, in: node.db, quorumAtMs: now)
        let before = try await sim.balance(recipient)

        await node.submitter.tick()
        try await sim.produceBlock()
        await node.submitter.tick()
        #expect(try QuorumFixture.observationStatus(id, in: node.db) != "completed", "the old set is expired")
        #expect(try await sim.balance(recipient) == before)

        // The re-sign request's verdict: expiration = request block time + lifetime.
        var renewed = message
        renewed.expiration = now + 3_600_000
        let observationID = ObservationID(chainID: 31337, transactionHash: message.transactionID, logIndex: 0)
        let commit = try await node.db.commitScan(cursor: "eth", nextBlock: 1, records: [], resigns: [ObservationResign(
            id: observationID, oldDigest: message.digest, expiration: renewed.expiration, message: renewed.encoded(), digest: renewed.digest)], nowMs: now)
        #expect(commit.resigned == [observationID])
        #expect(try await SQLiteSubmissionQueue(node.db).submittableObservations().isEmpty, "the old set is no longer offered to the submitter")
        // The validators sign the new digest; the aggregator stores the contract-minimal set.
        let signed = try validators.map { v in
            SignedObservation(observationID: observationID, profile: .v1, digest: renewed.digest,
                              signature: ValidatorSignature(validator: v.address, signature: try KoinosSignature.sign(digest: renewed.digest, key: v.key)))
        }
        let failures = try await SQLiteAttestationRepository(node.db).apply([
            .peerSignatures(signed),
            .quorum(QuorumRecord(observationID: observationID, digest: renewed.digest, required: 2, have: 3, submissionSet: Array(signed.prefix(2).map(\.signature)))),
        ], atMilliseconds: now)
        #expect(failures.isEmpty)
        let offered = try await SQLiteSubmissionQueue(node.db).submittableObservations()
        #expect(offered.map(\.digest) == [renewed.digest])

        clock.advance(milliseconds: 60_000)
        await node.submitter.tick()
        try await sim.produceBlock()
        await node.submitter.tick()
        #expect(try QuorumFixture.observationStatus(id, in: node.db) == "completed")
        #expect(try await sim.balance(recipient) == before + 77_000)
    }
}
