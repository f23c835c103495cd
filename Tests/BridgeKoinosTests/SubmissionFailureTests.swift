// SPDX-License-Identifier: Apache-2.0
import BridgeKoinos
import BridgeSigning
import Koinos
import Testing

/// What each failed attempt means, pure: nonce resync, mana parking with backoff, the mempool's
/// pending limit, already-completed and not-a-validator reverts, and the waits they lead to.
struct SubmissionFailureTests {
    var configuration: KoinosSubmitterConfiguration {
        var c = SubmissionPlannerTests().configuration(for: TestValidator.make(1)[0])
        c.backoff = SubmissionBackoff(baseMs: 1_000, maxMs: 60_000)
        c.pollIntervalMs = 1_000
        c.minimumRC = 1_000_000
        c.rcLimitCap = 500_000_000
        return c
    }

    static func chain(_ code: Int64, _ message: String) -> KoinosError { .chain(KoinosChainFailure(code: code, message: message)) }

    @Test func aNonceConflictResyncsAndIsRetriedOnce() {
        let conflict = Self.chain(-201, "invalid nonce")
        let failure = SubmissionFailure.classify(conflict)
        #expect(failure == SubmissionFailure(metricReason: "nonce", text: "nonce conflict: invalid nonce", resyncsNonce: true))
        #expect(SubmissionFailure.retriesWithResyncedNonce(conflict, alreadyRetried: false))
        #expect(!SubmissionFailure.retriesWithResyncedNonce(conflict, alreadyRetried: true))
        #expect(!SubmissionFailure.retriesWithResyncedNonce(.unreachable("refused"), alreadyRetried: false))
        #expect(!SubmissionFailure.retriesWithResyncedNonce(Self.chain(1, "reverted"), alreadyRetried: false))
        #expect(SubmissionFailure.classify(Self.chain(-200, "bad signature")).resyncsNonce)
        #expect(!SubmissionFailure.classify(KoinosError.unreachable("refused")).resyncsNonce)
    }

    /// Below the minimum the row waits with the growing backoff, nothing is signed; above it the
    /// limit is the account's mana, capped.
    @Test func manaBelowTheMinimumParksWithBackoff() throws {
        let planner = SubmissionPlanner(configuration: configuration)
        #expect(throws: SubmissionManaShortfall(mana: 999_999, minimum: 1_000_000)) { try planner.rcLimit(mana: 999_999) }
        #expect(try planner.rcLimit(mana: 1_000_000) == 1_000_000)
        #expect(try planner.rcLimit(mana: 900_000_000) == 500_000_000)
        do {
            _ = try planner.rcLimit(mana: 5)
            Issue.record("no shortfall")
        } catch {
            let failure = SubmissionFailure.classify(error)
            #expect(failure.metricReason == "mana" && failure.text == "mana exhausted: rc 5 below the minimum 1000000")
            #expect(!failure.resyncsNonce && !failure.marksValidatorsStale && failure.delayRule == .backoff)
            #expect([1, 2, 3, 7, 8].map { failure.delayMs(attempt: $0, unit: 0, configuration: configuration) } == [500, 1_000, 2_000, 30_000, 30_000])
        }
        #expect(SubmissionFailure.classify(Self.chain(104, "insufficient rc")).metricReason == "mana")
    }

    /// The mempool refuses more of our transactions: retried by the next pass, not after a backoff.
    @Test func thePendingLimitWaitsOnlyForTheNextPass() {
        let failure = SubmissionFailure.classify(Self.chain(-206, "pending transaction limit exceeded"))
        #expect(failure.metricReason == "pending_limit" && failure.delayRule == .atMostPollInterval && !failure.resyncsNonce)
        #expect(failure.delayMs(attempt: 9, unit: 0.99, configuration: configuration) == 1_000)
        #expect(failure.delayMs(attempt: 1, unit: 0, configuration: configuration) == 500)
    }

    @Test func anAlreadyCompletedRevertIsRecheckedSoon() {
        let failure = SubmissionFailure.classify(Self.chain(1, "transfer already completed"))
        #expect(failure == SubmissionFailure(metricReason: "already_completed", text: "rejected: transfer already completed", delayRule: .atMostRecheckInterval))
        #expect(failure.delayMs(attempt: 9, unit: 0.99, configuration: configuration) == 10_000)
        #expect(SubmissionFailure.classify(Self.chain(1, "amount is zero")).delayMs(attempt: 9, unit: 0, configuration: configuration) == 30_000)
    }

    @Test func aNotAValidatorRevertMarksTheValidatorSetStale() {
        #expect(SubmissionFailure.classify(Self.chain(1, "signer 1abc is not a validator")).marksValidatorsStale)
        #expect(SubmissionFailure.classify(Self.chain(1, "not enough signatures for quorum")).marksValidatorsStale)
        let other = SubmissionFailure.classify(Self.chain(1, "amount is zero"))
        #expect(other == SubmissionFailure(metricReason: "rejected", text: "rejected: amount is zero"))
    }

    @Test func nodeFailuresBackOffWithTheirReason() {
        #expect(SubmissionFailure.classify(KoinosError.unreachable("refused")) == SubmissionFailure(metricReason: "unreachable", text: "node unreachable: refused"))
        #expect(SubmissionFailure.classify(KoinosError.rpc(code: -32000, message: "boom")).metricReason == "node_error")
        struct Odd: Error {}
        #expect(SubmissionFailure.classify(Odd()).metricReason == "other")
    }
}
