// SPDX-License-Identifier: Apache-2.0

/// Answers "does this digest still need signatures?" so the gossip layer can drop copies of
/// settled attestations before spending signature recoveries on them.
public protocol SettledDigestLookup: Sendable {
    func isSettled(_ digest: [UInt8]) -> Bool
}
