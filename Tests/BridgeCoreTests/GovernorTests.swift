// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import Testing

/// The outflow governor's arithmetic, by source block time only (no clock at all: the "virtual
/// clock" is the source time each transfer carries).
struct GovernorTests {
    static let token = [UInt8](repeating: 0x11, count: 20)
    static let other = [UInt8](repeating: 0x22, count: 20)
    static let day = GovernorPolicy.dayMilliseconds
    static let t0: UInt64 = 1_700_000_000_000

    static func policy(daily: UInt64 = 5_000, threshold: UInt64 = 2_000, bigDelay: UInt64 = day) -> GovernorPolicy {
        GovernorPolicy(tokens: [token: GovernorLimits(dailyLimit: daily, singleTransferThreshold: threshold, bigTransferDelayMilliseconds: bigDelay)])
    }

    static func transfer(_ n: Int, amount: UInt64, at time: UInt64, token: [UInt8] = token) -> GovernedTransfer {
        var hash = [UInt8](repeating: 0xcd, count: 32)
        hash[30] = UInt8(truncatingIfNeeded: n >> 8)
        hash[31] = UInt8(truncatingIfNeeded: n)
        return GovernedTransfer(id: ObservationID(chainID: 1, transactionHash: hash, logIndex: 0), token: token, amount: amount, sourceTimeMilliseconds: time)
    }

    @Test func ungovernedTokenIsNotDecided() {
        var governor = Governor(policy: Self.policy())
        #expect(governor.decide(Self.transfer(1, amount: 1_000_000, at: Self.t0, token: Self.other)) == nil)
    }

    @Test func fillingTheWindowExactlySignsAndOneUnitMoreWaits() {
        var governor = Governor(policy: Self.policy())
        #expect(governor.decide(Self.transfer(1, amount: 2_000, at: Self.t0)) == .signNow)
        #expect(governor.decide(Self.transfer(2, amount: 2_000, at: Self.t0 + 1)) == .signNow)
        #expect(governor.decide(Self.transfer(3, amount: 1_000, at: Self.t0 + 2)) == .signNow)  // exactly 5,000
        #expect(governor.used(token: Self.token, atMilliseconds: Self.t0 + 2) == 5_000)
        // One more unit: waits until the first transfer leaves the window (exactly 24 h after it).
        #expect(governor.decide(Self.transfer(4, amount: 1, at: Self.t0 + 3)) == .delayed(releaseAtMilliseconds: Self.t0 + Self.day, reason: .dailyLimit))
    }

    @Test func anEntryLeavesTheWindowExactlyTwentyFourHoursAfterItCounted() {
        var governor = Governor(policy: Self.policy(threshold: 5_000))
        #expect(governor.decide(Self.transfer(1, amount: 5_000, at: Self.t0)) == .signNow)
        #expect(governor.used(token: Self.token, atMilliseconds: Self.t0 + Self.day - 1) == 5_000)
        #expect(governor.used(token: Self.token, atMilliseconds: Self.t0 + Self.day) == 0)
        // One millisecond before the edge it still counts; at the edge it does not.
        #expect(governor.decide(Self.transfer(2, amount: 1, at: Self.t0 + Self.day - 1)) == .delayed(releaseAtMilliseconds: Self.t0 + Self.day, reason: .dailyLimit))
        var fresh = Governor(policy: Self.policy(threshold: 5_000))
        _ = fresh.decide(Self.transfer(1, amount: 5_000, at: Self.t0))
        #expect(fresh.decide(Self.transfer(2, amount: 5_000, at: Self.t0 + Self.day)) == .signNow)
    }

    @Test func aTransferAboveTheThresholdWaitsTheBigDelayAndIsNotCounted() {
        var governor = Governor(policy: Self.policy(bigDelay: 3_600_000))
        #expect(governor.decide(Self.transfer(1, amount: 2_000, at: Self.t0)) == .signNow)  // at the threshold: signed
        #expect(governor.decide(Self.transfer(2, amount: 2_001, at: Self.t0 + 5)) == .delayed(releaseAtMilliseconds: Self.t0 + 5 + 3_600_000, reason: .bigTransfer))
        #expect(governor.used(token: Self.token, atMilliseconds: Self.t0 + 10_000_000) == 2_000)
        #expect(governor.decide(Self.transfer(3, amount: 2_000, at: Self.t0 + 6)) == .signNow)
    }

    @Test func aTransferAloneAboveTheDailyLimitIsABigTransfer() {
        var governor = Governor(policy: Self.policy(daily: 1_000, threshold: 10_000))
        #expect(governor.decide(Self.transfer(1, amount: 1_001, at: Self.t0)) == .delayed(releaseAtMilliseconds: Self.t0 + Self.day, reason: .bigTransfer))
    }

    @Test func queuedTransfersAreReleasedFirstInFirstOut() {
        var governor = Governor(policy: Self.policy(threshold: 5_000))
        #expect(governor.decide(Self.transfer(1, amount: 3_000, at: Self.t0)) == .signNow)
        #expect(governor.decide(Self.transfer(2, amount: 3_000, at: Self.t0 + 3_600_000)) == .delayed(releaseAtMilliseconds: Self.t0 + Self.day, reason: .dailyLimit))
        // It would fit now (3,000 + 1,000), but the queued one goes first; at its release both fit.
        #expect(governor.decide(Self.transfer(3, amount: 1_000, at: Self.t0 + 7_200_000)) == .delayed(releaseAtMilliseconds: Self.t0 + Self.day, reason: .dailyLimit))
        // The released 4,000 count from t0 + 24 h: the next 2,000 waits for them to leave.
        #expect(governor.used(token: Self.token, atMilliseconds: Self.t0 + Self.day) == 4_000)
        #expect(governor.decide(Self.transfer(4, amount: 2_000, at: Self.t0 + Self.day + 1)) == .delayed(releaseAtMilliseconds: Self.t0 + 2 * Self.day, reason: .dailyLimit))
    }

    @Test func sumsAndTimesNeverOverflow() {
        var governor = Governor(policy: GovernorPolicy(tokens: [Self.token: GovernorLimits(dailyLimit: .max, singleTransferThreshold: .max, bigTransferDelayMilliseconds: .max)]))
        let big = UInt64.max / 2 + 1
        #expect(governor.decide(Self.transfer(1, amount: big, at: Self.t0)) == .signNow)
        #expect(governor.decide(Self.transfer(2, amount: big - 2, at: Self.t0 + 1)) == .signNow)
        #expect(governor.used(token: Self.token, atMilliseconds: Self.t0 + 1) == UInt128(big) * 2 - 2)
        #expect(governor.decide(Self.transfer(3, amount: 2, at: Self.t0 + 2)) == .delayed(releaseAtMilliseconds: Self.t0 + Self.day, reason: .dailyLimit))
        var late = Governor(policy: Self.policy(daily: 10, threshold: 1, bigDelay: .max))
        #expect(late.decide(Self.transfer(4, amount: 2, at: .max - 1)) == .delayed(releaseAtMilliseconds: .max, reason: .bigTransfer))
        #expect(late.decide(Self.transfer(5, amount: 1, at: .max - 1)) == .signNow)
        #expect(late.decide(Self.transfer(6, amount: 1, at: .max)) == .signNow)
    }

    /// Two validators with the same config and the same chain decide the same, even when one of
    /// them restarted midway and rebuilt its governor from the stored history.
    @Test func twoValidatorsDecideTheSameAndARestartChangesNothing() {
        var random = SplitMix(seed: 17)
        var time = Self.t0
        var transfers: [GovernedTransfer] = []
        for n in 0..<400 {
            time += random.next() % 3_600_000
            transfers.append(Self.transfer(n, amount: 1 + random.next() % 2_500, at: time))
        }
        var first = Governor(policy: Self.policy())
        let decisions = transfers.map { first.decide($0) }
        #expect(decisions.contains(.signNow))
        #expect(decisions.contains { if case .delayed(_, .dailyLimit) = $0 { true } else { false } })
        #expect(decisions.contains { if case .delayed(_, .bigTransfer) = $0 { true } else { false } })

        var second = Governor(policy: Self.policy())
        var stored: [GovernorEntry] = []
        var replay: [GovernorDecision?] = []
        for (index, transfer) in transfers.enumerated() {
            if index % 97 == 0 { second = Governor(policy: Self.policy(), history: stored.shuffled()) }  // "restart"
            let decision = second.decide(transfer)
            replay.append(decision)
            if let decision { stored.append(GovernorEntry(transfer: transfer, decision: decision)) }
        }
        #expect(replay == decisions)
        // Never more than the daily limit in any window (checked at every instant something counts).
        let counted = stored.filter(\.countsInWindow)
        for entry in counted {
            let instant = entry.effectiveMilliseconds
            let sum = counted.filter { $0.effectiveMilliseconds <= instant && $0.effectiveMilliseconds + Self.day > instant }.reduce(0) { $0 + $1.transfer.amount }
            #expect(sum <= 5_000)
        }
    }
}

/// A small seeded generator (the sequence is the same on every run and platform).
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
