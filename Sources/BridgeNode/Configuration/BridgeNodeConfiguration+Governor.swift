// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import ChainCrypto

extension BridgeNodeConfiguration {
    /// `governor.tokens.<token>.*`: the outflow governor's limits. `<token>` is an Ethereum token
    /// address or `native` (Ethereum → Koinos locks) or a Koinos token contract address, base58
    /// (Koinos → Ethereum locks).
    public struct GovernorToken: Sendable, Hashable {
        public var dailyLimit: UInt64?
        public var singleTransferThreshold: UInt64?
        public var bigTransferDelayS: UInt64 = GovernorLimits.defaultBigTransferDelayMilliseconds / 1000
    }

    /// Reads `governor.tokens` (each entry's keys; unknown ones stay unread and are reported).
    static func readGovernorTokens(_ r: ConfigReader) -> [String: GovernorToken] {
        switch r.tree["governor.tokens"] {
        case nil, .null?: return [:]
        case .map(let entries)?:
            var out: [String: GovernorToken] = [:]
            for (token, value) in entries {
                let key = "governor.tokens.\(token)"
                guard case .map = value else {
                    r.problem(key, "expected a mapping (daily_limit, single_transfer_threshold, big_transfer_delay_s)")
                    continue
                }
                var entry = GovernorToken()
                entry.dailyLimit = r.optionalUInt64(key + ".daily_limit")
                entry.singleTransferThreshold = r.optionalUInt64(key + ".single_transfer_threshold")
                entry.bigTransferDelayS = r.uint64(key + ".big_transfer_delay_s", default: entry.bigTransferDelayS)
                out[token] = entry
            }
            return out
        default:
            r.problem("governor.tokens", "expected a mapping of token → limits")
            return [:]
        }
    }

    /// Problems of `governor.tokens`: each entry names a token `koinos.tokens` maps (an Ethereum
    /// key of it, or a Koinos token it maps to), and sets both limits.
    func governorProblems() -> [ConfigurationProblem] {
        var out: [ConfigurationProblem] = []
        let mapped = Set(koinos.tokens.keys.compactMap(Self.tokenKey))
        let mappedKoinos = Set(koinos.tokens.values.compactMap { KoinosAddress($0)?.bytes })
        for (token, entry) in governor.sorted(by: { $0.key < $1.key }) {
            let key = "governor.tokens.\(token)"
            if Self.isKoinosGovernorKey(token) {
                if let m = ConfigChecks.koinosAddressProblem(token) {
                    out.append(ConfigurationProblem(key: key, message: "key: \(m)"))
                } else if let bytes = KoinosAddress(token)?.bytes, !mappedKoinos.contains(bytes) {
                    out.append(ConfigurationProblem(
                        key: key, message: "koinos.tokens does not map this Koinos token: the bridge does not carry it"))
                }
            } else if token != "native", let m = ConfigChecks.ethereumAddressProblem(token) {
                out.append(ConfigurationProblem(key: key, message: "key: \(m)"))
            } else if let bytes = Self.tokenKey(token), !mapped.contains(bytes) {
                out.append(ConfigurationProblem(key: key, message: "koinos.tokens does not map this token: the bridge does not carry it"))
            }
            if entry.dailyLimit == nil { out.append(ConfigurationProblem(key: key + ".daily_limit", message: "must be set")) }
            if entry.singleTransferThreshold == nil {
                out.append(ConfigurationProblem(key: key + ".single_transfer_threshold", message: "must be set"))
            }
            if entry.dailyLimit == 0 { out.append(ConfigurationProblem(key: key + ".daily_limit", message: "must be greater than 0 (nothing would ever be signed)")) }
            if entry.bigTransferDelayS > UInt64.max / 1000 {
                out.append(ConfigurationProblem(key: key + ".big_transfer_delay_s", message: "too large"))
            }
        }
        return out
    }

    /// The typed policy; nil when an entry does not decode (validate() reports why).
    func typedGovernor() -> GovernorPolicy? {
        var tokens: [[UInt8]: GovernorLimits] = [:]
        for (token, entry) in governor {
            guard let key = Self.governorTokenKey(token), let daily = entry.dailyLimit, let threshold = entry.singleTransferThreshold else { return nil }
            let (delay, overflow) = entry.bigTransferDelayS.multipliedReportingOverflow(by: 1000)
            guard !overflow else { return nil }
            tokens[key] = GovernorLimits(dailyLimit: daily, singleTransferThreshold: threshold, bigTransferDelayMilliseconds: delay)
        }
        return GovernorPolicy(tokens: tokens)
    }

    /// A `governor.tokens` key's token id bytes: the Koinos token contract (25 bytes) for a Koinos
    /// address, else the Ethereum token (20 bytes).
    static func governorTokenKey(_ text: String) -> [UInt8]? {
        isKoinosGovernorKey(text) ? KoinosAddress(text)?.bytes : tokenKey(text)
    }

    /// Whether a `governor.tokens` key names a Koinos token (anything but `native` or `0x…`).
    static func isKoinosGovernorKey(_ text: String) -> Bool { text != "native" && !text.hasPrefix("0x") }

    /// The Ethereum token id bytes of a `koinos.tokens` / `governor.tokens` key (`native` = zeros).
    static func tokenKey(_ text: String) -> [UInt8]? {
        text == "native" ? [UInt8](repeating: 0, count: 20) : EthereumAddress(text)?.bytes
    }
}
