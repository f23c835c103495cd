// SPDX-License-Identifier: Apache-2.0

/// Which deployed generation of the bridge contracts the node signs for.
///
/// v1 is the Roamin design (no relayer, payment, metadata or chain id in digests; quorum ⌈2N/3⌉);
/// v2 is the VortexBridge/BridgeKoin design (relayer, payment, metadata, destination chain;
/// quorum ⌊(5N+10)/9⌋). The two are wire-incompatible, so a node runs exactly one.
public enum ContractProfile: String, Sendable, Hashable, CaseIterable, Codable {
    case v1
    case v2
}

/// The contracts' quorum rule: how many distinct current validators must sign.
///
/// Contracts require `signatures.count ≥ Q(N)` where N is the on-chain validator count, and every
/// signature must recover to a distinct current validator (bridge-contracts.md §2.6).
public enum Quorum {
    /// Q(N) for `profile`. N = 0 gives 0 for v1 and 1 for v2, exactly as the contract formulas do;
    /// callers treat an empty validator set as "cannot reach quorum".
    public static func required(validatorCount n: Int, profile: ContractProfile) -> Int {
        precondition(n >= 0, "validator count is never negative")
        switch profile {
        case .v1: return (2 * n + 2) / 3
        case .v2: return (5 * n + 10) / 9
        }
    }

    /// The pre-2022-11 v1 formula ⌊⌊⌊N·10/3⌋·2⌋/10⌋ + 1, kept only to document what the old
    /// validator used for its local "signed" status; never used to decide submission.
    public static func legacyV1(validatorCount n: Int) -> Int {
        ((n * 10 / 3) * 2) / 10 + 1
    }
}
