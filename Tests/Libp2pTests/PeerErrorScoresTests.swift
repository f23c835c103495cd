// SPDX-License-Identifier: Apache-2.0
import Libp2pHost
import Testing

/// Koinos' error score (koinos.md §1.7) on a virtual clock: points per IP, a 30-minute half-life,
/// refusal from 50,000 and disconnection from 100,000.
struct PeerErrorScoresTests {
    @Test func pointsDecayWithAThirtyMinuteHalfLife() {
        var scores = PeerErrorScores()
        let start = ContinuousClock.now
        scores.add(PeerErrorScores.Points.mismatch, to: "10.0.0.1", now: start)
        #expect(scores.disconnects("10.0.0.1", now: start))
        #expect(scores.refuses("10.0.0.1", now: start))
        let halfHour = start + .seconds(30 * 60)
        #expect(abs(scores.score(of: "10.0.0.1", now: halfHour) - 100_000) < 1)
        // ≈ two half-lives to fall below the refusal threshold, as the spec says (~60 min).
        #expect(scores.refuses("10.0.0.1", now: start + .seconds(59 * 60)))
        #expect(!scores.refuses("10.0.0.1", now: start + .seconds(61 * 60)))
        #expect(scores.score(of: "10.0.0.2", now: start) == 0)
    }

    @Test func errorsAddUpPerAddressAndTheTableIsBounded() {
        var thresholds = PeerErrorScores.Thresholds()
        thresholds.maxTracked = 3
        var scores = PeerErrorScores(thresholds: thresholds)
        let now = ContinuousClock.now
        for _ in 0..<9 { scores.add(PeerErrorScores.Points.peerRPCError, to: "10.0.0.1", now: now) }
        #expect(!scores.refuses("10.0.0.1", now: now))  // 45,000
        scores.add(PeerErrorScores.Points.peerRPCError, to: "10.0.0.1", now: now)
        #expect(scores.refuses("10.0.0.1", now: now) && !scores.disconnects("10.0.0.1", now: now))  // 50,000
        scores.add(1, to: "10.0.0.2", now: now)
        scores.add(2, to: "10.0.0.3", now: now)
        scores.add(3, to: "10.0.0.4", now: now)
        #expect(scores.score(of: "10.0.0.2", now: now) == 0)  // the lowest was forgotten, not the offender
        #expect(scores.refuses("10.0.0.1", now: now))
    }
}
