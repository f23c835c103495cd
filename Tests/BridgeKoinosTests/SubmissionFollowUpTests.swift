// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeKoinos
import BridgeSigning
import BridgeStore
import Koinos
import Testing

/// What the submitter does with its own transaction after asking the chain, on a virtual clock in
/// milliseconds and with no Koinos node: inclusion timeout, included but not completed, completion
/// waiting for the last irreversible block, a fork dropping a completion, and a takeover's timing.
struct SubmissionFollowUpTests {
    static let origin = SubmissionPlannerTests.origin
    let validators = TestValidator.make(3)
    var set: ValidatorSet { ValidatorSet(validators.map(\.address)) }
    var planner: SubmissionPlanner { SubmissionPlanner(configuration: SubmissionPlannerTests().configuration(for: validators[0])) }

    /// Our transaction, sent at `origin` (inclusion timeout 60 s by default).
    static func submitted(_ status: SubmissionStatus = .submitted, completedSeenAtHeight: UInt64? = nil) -> SubmissionRecord {
        var r = SubmissionRecord(observationID: "o", status: status, updatedAtMs: origin)
        r.koinosTransactionID = [UInt8](repeating: 9, count: 34)
        r.submittedAtMs = origin
        r.completedSeenAtHeight = completedSeenAtHeight
        return r
    }

    @Test func notIncludedWithinTheTimeoutIsSentAgain() {
        let r = Self.submitted()
        let timeout = planner.configuration.inclusionTimeoutMs
        #expect(!planner.needsStatusCheck(record: r, included: false, nowMs: Self.origin + timeout - 1))
        #expect(planner.afterStatus(record: r, included: false, completedOnChain: false, nowMs: Self.origin + timeout - 1) == .keepWaiting)
        #expect(planner.needsStatusCheck(record: r, included: false, nowMs: Self.origin + timeout))
        let step = planner.afterStatus(record: r, included: false, completedOnChain: false, nowMs: Self.origin + timeout)
        #expect(step == .sendAgain(.notIncluded(timeoutMs: timeout)))
        #expect(SendAgainReason.notIncluded(timeoutMs: timeout).text == "transaction not included within 60000 ms; sending again")
        #expect(SendAgainReason.notIncluded(timeoutMs: timeout).metricReason == "not_included")
        // Someone else completed it meanwhile: recorded as theirs, nothing sent.
        #expect(planner.afterStatus(record: r, included: false, completedOnChain: true, nowMs: Self.origin + timeout)
            == .completionSeen(note: "completed by another submitter"))
    }

    @Test func includedButNotCompletedIsRecordedThenSentAgainAfterTheTimeout() {
        let timeout = planner.configuration.inclusionTimeoutMs
        let early = Self.origin + 3_000
        #expect(planner.needsStatusCheck(record: Self.submitted(), included: true, nowMs: early))
        #expect(planner.afterStatus(record: Self.submitted(), included: true, completedOnChain: false, nowMs: early) == .recordIncluded)
        let included = Self.submitted(.included)
        #expect(planner.afterStatus(record: included, included: true, completedOnChain: false, nowMs: Self.origin + timeout - 1) == .keepWaiting)
        #expect(planner.afterStatus(record: included, included: true, completedOnChain: false, nowMs: Self.origin + timeout)
            == .sendAgain(.includedButNotCompleted))
        #expect(planner.afterStatus(record: included, included: true, completedOnChain: true, nowMs: early) == .completionSeen(note: nil))
    }

    /// Seen completed at head 50 with LIB 40: waits (re-checking every 2 s) until the LIB reaches 50.
    @Test func aCompletionWaitsForTheLastIrreversibleBlock() {
        let first = planner.completionFinality(record: Self.submitted(.included), headHeight: 50, lastIrreversibleBlock: 40, nowMs: Self.origin)
        let reason = "completed on Koinos at or below height 50; final when the last irreversible block (40) reaches it"
        #expect(first == .waitForIrreversibility(seenAtHeight: 50, reason: reason, retryAtMs: Self.origin + 2_000))
        let waiting = Self.submitted(.included, completedSeenAtHeight: 50)
        // A row waiting for finality is checked even before the inclusion timeout.
        #expect(planner.needsStatusCheck(record: waiting, included: false, nowMs: Self.origin + 1))
        guard case .waitForIrreversibility(let seen, _, let retry) = planner.completionFinality(
            record: waiting, headHeight: 60, lastIrreversibleBlock: 49, nowMs: Self.origin + 2_000)
        else { Issue.record("final before the LIB reached the completion"); return }
        #expect(seen == 50 && retry == Self.origin + 4_000)
        #expect(planner.completionFinality(record: waiting, headHeight: 61, lastIrreversibleBlock: 50, nowMs: Self.origin + 4_000) == .final)
        #expect(planner.completionFinality(record: Self.submitted(), headHeight: 50, lastIrreversibleBlock: 50, nowMs: Self.origin) == .final)
    }

    /// The contract no longer reports a completion seen earlier: a fork dropped it; sent again,
    /// whether or not a block still holds our transaction.
    @Test func aForkDroppingACompletionSendsAgain() {
        let waiting = Self.submitted(.included, completedSeenAtHeight: 50)
        for included in [false, true] {
            #expect(planner.afterStatus(record: waiting, included: included, completedOnChain: false, nowMs: Self.origin + 1) == .sendAgain(.completionDropped))
        }
        #expect(SendAgainReason.completionDropped.metricReason == "fork_dropped_completion")
        // Before a send, and while only watching: the same three answers.
        #expect(planner.completionCheck(record: waiting, completedOnChain: false) == .completionDropped)
        #expect(planner.completionCheck(record: waiting, completedOnChain: true) == .completed)
        #expect(planner.completionCheck(record: Self.submitted(), completedOnChain: false) == .notCompleted)
        #expect(planner.completionCheck(record: Self.submitted(), completedOnChain: true) == .completed)
        #expect(planner.afterStatus(record: waiting, included: false, completedOnChain: true, nowMs: Self.origin + 1)
            == .completionSeen(note: "completed by another submitter"))
    }

    /// The first submitter's transaction never lands; the next in the rotation looks every 2 s and
    /// sends exactly one takeover timeout after quorum, while the first sends again at its timeout.
    @Test func takeoverHappensExactlyOneTimeoutAfterQuorum() throws {
        let o = SubmissionPlannerTests.observation()
        let first = SubmitterRotation.firstIndex(observationID: o.id, validatorCount: 3)
        let tests = SubmissionPlannerTests()
        let next = SubmissionPlanner(configuration: tests.configuration(for: validators[(first + 1) % 3]))
        var now = Self.origin
        var looks = 0
        var record = SubmissionPlannerTests.pending(o)
        while looks < 100 {
            let step = next.step(for: o, record: record, validators: set, nowMs: now)
            if step == .send(recipientKeyIndex: nil) { break }
            guard case .watch(_, let retryAt) = step else { Issue.record("unexpected \(step)"); return }
            looks += 1
            record.nextAttemptAtMs = retryAt
            now = retryAt
        }
        #expect(now == Self.origin + 60_000)
        #expect(looks == 30)
        let firstPlanner = SubmissionPlanner(configuration: tests.configuration(for: validators[first]))
        var ours = Self.submitted()
        ours.observationID = o.id
        #expect(firstPlanner.afterStatus(record: ours, included: false, completedOnChain: false, nowMs: Self.origin + 60_000)
            == .sendAgain(.notIncluded(timeoutMs: 60_000)))
        let message = try #require(SubmissionPlanner.decodedMessage(o))
        #expect(firstPlanner.sendStep(for: o, message: message, validators: set, nowMs: Self.origin + 60_000)
            == .send(recipientKeyIndex: nil))
    }
}
