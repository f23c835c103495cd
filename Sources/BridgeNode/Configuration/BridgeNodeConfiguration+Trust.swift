// SPDX-License-Identifier: Apache-2.0

extension BridgeNodeConfiguration {
    /// What this configuration trusts a single RPC endpoint with, as warnings for `config check`
    /// and the start-up log (not problems: a one-provider node is allowed, but the operator must
    /// know). docs/security.md, "RPC endpoints and what they are trusted with", explains them.
    public func trustWarnings() -> [ConfigurationProblem] {
        var out: [ConfigurationProblem] = []
        if ethereum.agreement == "failover" {
            let why = ethereum.rpc.count >= 2 ? "set ethereum.agreement: two_agree" : "add a second provider to ethereum.rpc and use two_agree"
            out.append(ConfigurationProblem(
                key: "ethereum.agreement",
                message: "failover trusts one Ethereum endpoint at a time: a lying or compromised provider can get a forged lock signed; \(why)"))
        }
        if koinos.extraRPC.isEmpty && koinos.validatorsPin.isEmpty {
            out.append(ConfigurationProblem(
                key: "koinos.rpc",
                message: "the validator set is read from this one Koinos endpoint: a lying provider can add a validator; "
                    + "add koinos.extra_rpc (another provider) or pin the set with koinos.validators_pin"))
        }
        if koinosWatcher.enabled, koinosWatcher.agreement == "failover" || (koinosWatcher.agreement.isEmpty && koinos.extraRPC.isEmpty) {
            let why = koinos.extraRPC.isEmpty ? "add koinos.extra_rpc (another provider) and use two_agree" : "set koinos.watcher.agreement: two_agree"
            out.append(ConfigurationProblem(
                key: "koinos.watcher.agreement",
                message: "failover trusts one Koinos endpoint at a time for the lock watcher: a lying provider can get a forged Koinos lock signed; \(why)"))
        }
        return out
    }
}
