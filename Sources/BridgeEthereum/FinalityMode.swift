// SPDX-License-Identifier: Apache-2.0

/// How far behind the chain head the watcher stays: the block it treats as final.
///
/// `finalized` (the default) follows the node's `finalized` tag (Casper FFG, ~13 minutes on
/// mainnet); `safe` follows the `safe` tag; `confirmations(n)` trusts any block `n` below `latest`,
/// which is what the old validator did (15 blocks) and is only sound for small reorgs.
public enum FinalityMode: Sendable, Hashable, CustomStringConvertible {
    case finalized
    case safe
    case confirmations(UInt64)

    /// Parses `finalized`, `safe` or a decimal confirmation count.
    public init?(_ text: String) {
        switch text {
        case "finalized": self = .finalized
        case "safe": self = .safe
        default:
            guard let n = UInt64(text) else { return nil }
            self = .confirmations(n)
        }
    }

    public var description: String {
        switch self {
        case .finalized: "finalized"
        case .safe: "safe"
        case .confirmations(let n): "\(n) confirmations"
        }
    }
}
