// SPDX-License-Identifier: Apache-2.0

/// How the operator's page (`/`) reads and judges what it shows.
public struct PageSettings: Sendable, Hashable {
    /// Seconds between the page's own reloads (`<meta http-equiv="refresh">`; works without script).
    public var refreshSeconds = 5
    /// Validators announce themselves this often; silent past twice this.
    public var heartbeatIntervalMs: UInt64 = 10_000
    /// The Ethereum cursor not moving for this long marks the watcher stalled (finalized blocks
    /// move every ~6.4 minutes on mainnet, so the default leaves room for two epochs).
    public var watcherStallMs: UInt64 = 15 * 60_000
    /// Completed transfers in the latency chart.
    public var latencySamples = 100
    /// Hours in the transfers-per-hour chart.
    public var hours = 24
    /// Attestation rows per page.
    public var pageSize = 50

    public init() {}
}

/// The chains' heads as this node last saw them (nil: not known yet).
public struct ChainHeads: Sendable, Hashable {
    /// Best `latest` block among the Ethereum endpoints.
    public var ethereum: UInt64?
    /// Koinos head height.
    public var koinos: UInt64?

    public init(ethereum: UInt64? = nil, koinos: UInt64? = nil) {
        self.ethereum = ethereum
        self.koinos = koinos
    }
}

/// How one bridged token is named on the page.
public struct TokenDisplay: Sendable, Hashable {
    /// Event amounts are normalised to 8 decimals by the Ethereum contract (`LockObservation.amount`).
    public static let eventDecimals = 8

    /// 20 bytes; empty for the chain's native coin (`native` in `koinos.tokens`).
    public var ethereumToken: [UInt8]
    /// The Koinos token contract (base58), when mapped.
    public var koinosToken: String?
    /// e.g. `ETH`, `USDC`; nil shows the short Koinos contract id.
    public var symbol: String?
    /// Decimals of the amounts stored for this token.
    public var decimals: Int

    public init(ethereumToken: [UInt8], koinosToken: String?, symbol: String?, decimals: Int = TokenDisplay.eventDecimals) {
        self.ethereumToken = ethereumToken
        self.koinosToken = koinosToken
        self.symbol = symbol
        self.decimals = decimals
    }
}

/// Where a transfer goes. Only Ethereum → Koinos exists today; the Koinos → Ethereum issue adds
/// the other case, and the page's direction column and filter appear with it (see `AttestationTable`).
enum TransferDirection: String, Sendable, CaseIterable {
    case ethereumToKoinos = "eth→koinos"
}
