// SPDX-License-Identifier: Apache-2.0

/// Answers "can a signature by this validator still change anything for this digest?" so the
/// gossip layer can drop copies before spending a signature recovery on them.
///
/// After quorum the submission set is the first Q(N) signers by address; a later signature only
/// matters when its validator sorts before the set's last member (the set then converges to the
/// same members on every node).
public protocol SettledDigestLookup: Sendable {
    func isSettled(_ digest: [UInt8], validator: [UInt8]) -> Bool
}
