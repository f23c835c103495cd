// SPDX-License-Identifier: Apache-2.0

/// Timers of the aggregation, in milliseconds (validators.md §2.2, Wormhole's processor cleanup).
public struct AttestationPoolConfiguration: Sendable, Hashable {
    /// No quorum this long after our own signature → re-broadcast it and ask for re-observation.
    public var firstRetryAfterMilliseconds: UInt64 = 5 * 60_000
    /// Cap of the exponential retry backoff (5 min × 2^n, capped here).
    public var maxRetryBackoffMilliseconds: UInt64 = 4 * 60 * 60_000
    /// Upper bound of the random extra delay added to each retry, as a fraction of the delay (0…1).
    public var retryJitterFraction: Double = 0.2
    /// No quorum this long after our own signature → give up (`expired`).
    public var giveUpAfterMilliseconds: UInt64 = 24 * 60 * 60_000
    /// Signatures for digests we never observed are forgotten after this long.
    public var unobservedRetentionMilliseconds: UInt64 = 60 * 60_000
    /// Signatures for observation ids we have not observed, held in memory only: per validator and
    /// in total (≈ 250 bytes each). Beyond, they are dropped; the signer's retries bring them again.
    public var maxUnobservedSignaturesPerValidator = 2_000
    public var maxUnobservedSignatures = 20_000
    /// Observation ids with equivocation evidence kept in memory (only ids we observed).
    public var maxEquivocationIDs = 10_000
    /// Quorum entries stay in memory this long so late signatures are absorbed, then the store has them.
    public var settledRetentionMilliseconds: UInt64 = 60 * 60_000
    /// A validator's signature over a second digest for an id we observed waits this long before
    /// it is taken as equivocation: if our own watcher honours the same re-sign request meanwhile
    /// (new expiration → that digest), it counts instead. 0: equivocation at once.
    public var resignGraceMilliseconds: UInt64 = 0
    /// Such signatures held at once, in total; beyond, a conflict is equivocation at once.
    public var maxParkedConflicts = 1_000
    /// A peer signature handed over unverified (`receive(unverified:)`) from a validator outside
    /// the Q(N) lowest addresses waits this long before it is recovered: when the lower ones sign
    /// meanwhile they form the submission set and it is dropped unrecovered. 0: recover at once.
    public var verificationHoldMilliseconds: UInt64 = 2_000
    /// Such signatures held at once, in total; beyond, they are recovered at once.
    public var maxHeldSignatures = 50_000
    /// Seed of the jitter generator (deterministic tests; production seeds it randomly).
    public var jitterSeed: UInt64 = 0x5eed

    public init() {}
}

