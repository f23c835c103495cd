// SPDX-License-Identifier: Apache-2.0

/// The outflow governor's limits for one token (amounts in the units the lock event carries).
public struct GovernorLimits: Sendable, Hashable {
    /// Most that may leave within any rolling window (by source block time).
    public var dailyLimit: UInt64
    /// A single transfer above this waits `bigTransferDelayMilliseconds` (and does not count in the window).
    public var singleTransferThreshold: UInt64
    public var bigTransferDelayMilliseconds: UInt64

    public static let defaultBigTransferDelayMilliseconds: UInt64 = 86_400_000

    public init(dailyLimit: UInt64, singleTransferThreshold: UInt64, bigTransferDelayMilliseconds: UInt64 = Self.defaultBigTransferDelayMilliseconds) {
        self.dailyLimit = dailyLimit
        self.singleTransferThreshold = singleTransferThreshold
        self.bigTransferDelayMilliseconds = bigTransferDelayMilliseconds
    }
}

/// Which tokens are governed. Keys are the SOURCE chain's token id bytes: Ethereum → Koinos the
/// 20-byte token address (zeros for the native coin), Koinos → Ethereum the 25-byte Koinos token
/// contract address. The lengths differ, so one policy holds both directions without collisions.
public struct GovernorPolicy: Sendable, Hashable {
    public var tokens: [[UInt8]: GovernorLimits]
    /// The rolling window (24 h).
    public var windowMilliseconds: UInt64

    public static let dayMilliseconds: UInt64 = 86_400_000

    public init(tokens: [[UInt8]: GovernorLimits], windowMilliseconds: UInt64 = Self.dayMilliseconds) {
        self.tokens = tokens
        self.windowMilliseconds = windowMilliseconds
    }

    public var isEmpty: Bool { tokens.isEmpty }
}

/// Why a transfer waits.
public enum GovernorDelayReason: String, Sendable, Hashable, Codable {
    /// Signing it now would take the rolling window over the daily limit.
    case dailyLimit = "daily_limit"
    /// Above the single-transfer threshold (or alone above the daily limit): waits the big-transfer delay.
    case bigTransfer = "big_transfer"
}

/// The governor's answer for one transfer.
public enum GovernorDecision: Sendable, Hashable {
    case signNow
    /// Signed once the wall clock reaches `releaseAtMilliseconds` (a source-block-time instant).
    case delayed(releaseAtMilliseconds: UInt64, reason: GovernorDelayReason)
}

/// One transfer the governor decides on: what its source chain said, nothing local.
public struct GovernedTransfer: Sendable, Hashable {
    /// An Ethereum lock (Ethereum → Koinos) or a Koinos lock (Koinos → Ethereum).
    public var id: GovernedTransferID
    /// Source chain token id bytes (Ethereum: 20-byte address; Koinos: 25-byte token contract address).
    public var token: [UInt8]
    public var amount: UInt64
    /// Source block time (never the wall clock: every validator must decide the same).
    public var sourceTimeMilliseconds: UInt64

    public init(id: GovernedTransferID, token: [UInt8], amount: UInt64, sourceTimeMilliseconds: UInt64) {
        self.id = id
        self.token = token
        self.amount = amount
        self.sourceTimeMilliseconds = sourceTimeMilliseconds
    }

    /// An Ethereum → Koinos transfer (an Ethereum lock).
    public init(id: ObservationID, token: [UInt8], amount: UInt64, sourceTimeMilliseconds: UInt64) {
        self.init(id: .ethereum(id), token: token, amount: amount, sourceTimeMilliseconds: sourceTimeMilliseconds)
    }

    /// A Koinos → Ethereum transfer (a Koinos lock).
    public init(id: KoinosLockID, token: [UInt8], amount: UInt64, sourceTimeMilliseconds: UInt64) {
        self.init(id: .koinos(id), token: token, amount: amount, sourceTimeMilliseconds: sourceTimeMilliseconds)
    }
}

/// A decided transfer as the store keeps it: the governor's history.
public struct GovernorEntry: Sendable, Hashable {
    public var transfer: GovernedTransfer
    public var decision: GovernorDecision
    /// When an operator released it early (local only; it never changes the window arithmetic).
    public var releasedEarlyAtMilliseconds: UInt64?

    public init(transfer: GovernedTransfer, decision: GovernorDecision, releasedEarlyAtMilliseconds: UInt64? = nil) {
        self.transfer = transfer
        self.decision = decision
        self.releasedEarlyAtMilliseconds = releasedEarlyAtMilliseconds
    }

    /// Whether it is counted in the daily window (big transfers are not: they wait their own delay).
    public var countsInWindow: Bool {
        if case .delayed(_, .bigTransfer) = decision { return false }
        return true
    }

    /// The instant its amount enters the window: its source time, or its release time when delayed.
    public var effectiveMilliseconds: UInt64 {
        if case .delayed(let release, _) = decision { return release }
        return transfer.sourceTimeMilliseconds
    }
}
