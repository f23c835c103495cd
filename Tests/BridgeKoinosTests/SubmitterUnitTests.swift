// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeKoinos
import BridgeSigning
import BridgeStore
import BridgeTesting
import ChainCrypto
import CurlTransport
import Koinos
import Testing

/// Rotation, backoff, message decoding and failure bookkeeping without a simulator.
struct SubmitterUnitTests {
    @Test func rotationGivesEveryValidatorOneTurnInAddressOrder() {
        let set = ValidatorSet((0..<5).map { [UInt8](repeating: UInt8($0), count: 25) })
        let id = "31337:0x" + String(repeating: "ab", count: 32) + ":0"
        let first = SubmitterRotation.firstIndex(observationID: id, validatorCount: 5)
        let turns = set.addresses.map { SubmitterRotation.turn(of: $0, in: set, observationID: id)! }
        #expect(Set(turns) == Set(0..<5))
        #expect(turns[first] == 0)
        #expect(turns[(first + 1) % 5] == 1)
        #expect(SubmitterRotation.earliestAttempt(of: set.addresses[(first + 2) % 5], in: set, observationID: id, originMs: 1_000, takeoverMs: 500) == 2_000)
        #expect(SubmitterRotation.turn(of: [UInt8](repeating: 9, count: 25), in: set, observationID: id) == nil)
        // Different observations spread the first turn over the set.
        let firsts = Set((0..<64).map { SubmitterRotation.firstIndex(observationID: "31337:0x\($0):0", validatorCount: 5) })
        #expect(firsts.count == 5)
    }

    @Test func backoffGrowsIsCappedAndJittered() {
        let b = SubmissionBackoff(baseMs: 1_000, maxMs: 8_000)
        #expect(b.delayMs(attempt: 1, unit: 0.999_999) == 999)
        #expect(b.delayMs(attempt: 1, unit: 0) == 500)
        #expect(b.delayMs(attempt: 3, unit: 0) == 2_000)
        #expect(b.delayMs(attempt: 10, unit: 0) == 4_000)
        #expect(b.delayMs(attempt: 200, unit: 1) == 8_000)
    }

    @Test func storedMessagesDecodeBackInBothProfiles() throws {
        let v1 = KoinosTransferMessage(
            profile: .v1, transactionID: [UInt8](repeating: 1, count: 32), token: [UInt8](repeating: 2, count: 25),
            recipient: [UInt8](repeating: 3, count: 25), amount: 77, contractID: [UInt8](repeating: 4, count: 25), expiration: 99)
        #expect(try KoinosTransferMessage(decoding: v1.encoded(), profile: .v1) == v1)
        let v2 = KoinosTransferMessage(
            profile: .v2, transactionID: [UInt8](repeating: 1, count: 32), token: [UInt8](repeating: 2, count: 25),
            recipient: [UInt8](repeating: 3, count: 25), relayer: [UInt8](repeating: 5, count: 25), amount: 77, payment: 3,
            metadata: "m", contractID: [UInt8](repeating: 4, count: 25), expiration: 99, chain: 7)
        #expect(try KoinosTransferMessage(decoding: v2.encoded(), profile: .v2) == v2)
        let args = v2.completeTransferArguments(signatures: [[9]])
        #expect(args.relayer == v2.relayer && args.payment == 3 && args.value == 77 && args.signatures == [[9]])
        #expect(throws: KoinosProtoError.self) { try KoinosTransferMessage(decoding: [0x08, 0x07], profile: .v1) }
    }

    @Test func unreachableNodeLeavesAReasonAndABackoff() async throws {
        let validators = TestValidator.make(1)
        let db = try BridgeDatabase()
        let clock = VirtualClock(startMilliseconds: 1_700_000_000_000)
        var configuration = KoinosSubmitterConfiguration(bridgeContract: [UInt8](repeating: 0, count: 25), profile: .v1, payerKey: validators[0].key)
        configuration.fallbackValidators = [validators[0].address]
        let dead = KoinosRPCClient(transport: CurlHTTPTransport(url: "http://127.0.0.1:1/"))
        let submitter = KoinosSubmitter(configuration: configuration, chain: dead, queue: SQLiteSubmissionQueue(db), clock: clock, random: { 0 })
        let message = KoinosTransferMessage(
            profile: .v1, transactionID: SecureRandomBytes.make(32), token: [UInt8](repeating: 2, count: 25),
            recipient: validators[0].address, amount: 5, contractID: configuration.bridgeContract, expiration: clock.nowMilliseconds + 1)
        let id = try QuorumFixture.store(message, signers: validators, in: db, quorumAtMs: clock.nowMilliseconds)
        await submitter.tick()
        let row = try #require(try await db.submission(for: id))
        #expect(row.status == .failed)
        #expect(row.lastError?.hasPrefix("node unreachable") == true)
        #expect(row.nextAttemptAtMs == clock.nowMilliseconds + 500)
        #expect(try QuorumFixture.observationStatus(id, in: db) == "quorum")  // nothing dropped
        await submitter.tick()
        #expect(try await db.submission(for: id)?.attempts == 1)  // waits for the backoff
        clock.advance(milliseconds: 501)
        await submitter.tick()
        #expect(try await db.submission(for: id)?.attempts == 2)
    }
}
