// SPDX-License-Identifier: Apache-2.0

/// One signing round's use of the governor, the same for both directions (the aggregator for
/// Ethereum → Koinos, the Koinos lock signer for Koinos → Ethereum): pick the governed transfers
/// not decided yet, read the history the first of them needs, decide them all in source order.
extension Governor {
    /// The governed, undecided transfers among `candidates`, in source order.
    public static func undecided(_ candidates: some Sequence<GovernorCandidate>, policy: GovernorPolicy) -> [GovernedTransfer] {
        candidates.filter { !$0.decided && policy.tokens[$0.transfer.token] != nil }.map(\.transfer).sorted(by: sourceOrder)
    }

    /// The history to read before deciding `ordered` (source order): decisions whose effective
    /// instant is after the returned one (the first transfer's source time minus the window); nil when empty.
    public static func historyStart(of ordered: [GovernedTransfer], policy: GovernorPolicy) -> UInt64? {
        guard let first = ordered.first else { return nil }
        return first.sourceTimeMilliseconds > policy.windowMilliseconds ? first.sourceTimeMilliseconds - policy.windowMilliseconds : 0
    }

    /// Decides `ordered` (source order) after `history`; one entry per governed transfer.
    public static func decideAll(_ ordered: [GovernedTransfer], policy: GovernorPolicy, history: [GovernorEntry]) -> [GovernorEntry] {
        var decider = Governor(policy: policy, history: history)
        return ordered.compactMap { transfer in decider.decide(transfer).map { GovernorEntry(transfer: transfer, decision: $0) } }
    }
}
