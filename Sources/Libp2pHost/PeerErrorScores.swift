// SPDX-License-Identifier: Apache-2.0
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
public import Darwin
#endif

/// Koinos' connection gating (koinos.md §1.7), as a pure value: error points kept per remote IP,
/// decaying exponentially (30 min half-life); a peer whose IP reaches `disconnectAt` is
/// disconnected, and new connections from an IP at or above `refuseAt` are refused until the
/// score decays below it. Every decision takes `now`.
public struct PeerErrorScores: Sendable {
    public struct Thresholds: Sendable, Equatable {
        public var halfLife: Duration = .seconds(30 * 60)
        public var disconnectAt = 100_000.0
        public var refuseAt = 50_000.0
        /// IPs remembered at most (the lowest score is forgotten first).
        public var maxTracked = 4_096
        public init() {}
    }

    /// koinos-p2p's points for the errors a relay can meet (`error_handler_options.go`).
    public enum Points {
        public static let deserialization = 5_000.0
        public static let peerRPCError = 5_000.0
        public static let peerRPCTimeout = 3_500.0
        /// Chain id or protocol mismatch: an instant disconnect and an hour's refusal.
        public static let mismatch = 200_000.0
    }

    public let thresholds: Thresholds
    private var entries: [String: (score: Double, at: ContinuousClock.Instant)] = [:]

    public init(thresholds: Thresholds = Thresholds()) { self.thresholds = thresholds }

    /// The decayed score of `ip` at `now`.
    public func score(of ip: String, now: ContinuousClock.Instant) -> Double {
        guard let entry = entries[ip] else { return 0 }
        return decayed(entry.score, from: entry.at, to: now)
    }

    /// Adds `points` to `ip`; returns the new score.
    @discardableResult
    public mutating func add(_ points: Double, to ip: String, now: ContinuousClock.Instant) -> Double {
        let updated = score(of: ip, now: now) + max(0, points)
        entries[ip] = (updated, now)
        if entries.count > thresholds.maxTracked, let lowest = entries.min(by: { decayed($0.value.score, from: $0.value.at, to: now) < decayed($1.value.score, from: $1.value.at, to: now) })?.key {
            entries[lowest] = nil
        }
        return updated
    }

    /// Whether a new connection from `ip` is refused at `now`.
    public func refuses(_ ip: String, now: ContinuousClock.Instant) -> Bool { score(of: ip, now: now) >= thresholds.refuseAt }

    /// Whether connections from `ip` are to be closed at `now`.
    public func disconnects(_ ip: String, now: ContinuousClock.Instant) -> Bool { score(of: ip, now: now) >= thresholds.disconnectAt }

    private func decayed(_ score: Double, from: ContinuousClock.Instant, to now: ContinuousClock.Instant) -> Double {
        let elapsed = max(0, Self.seconds(now - from))
        let halfLife = max(1e-9, Self.seconds(thresholds.halfLife))
        return score * exp2(-elapsed / halfLife)
    }

    private static func seconds(_ d: Duration) -> Double {
        let c = d.components
        return Double(c.seconds) + Double(c.attoseconds) / 1e18
    }
}
