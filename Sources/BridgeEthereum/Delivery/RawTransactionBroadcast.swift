// SPDX-License-Identifier: Apache-2.0
public import Ethereum

/// What one signed transaction sent to several endpoints amounts to (pure; the sending is
/// `EndpointPool.broadcast`).
///
/// One endpoint taking it is enough: it is in that node's pool and spreads from there. The others'
/// "already known" (they got it from the first by p2p) and "nonce too low" (it was already mined
/// where they look) are then no errors. Only when no endpoint took it does a refusal count; a
/// nonce conflict comes first among refusals, because the sender acts on it (resyncs its nonce).
public enum RawTransactionBroadcast {
    /// One endpoint's answer (`endpoint` = index in the configured list).
    public enum Answer: Sendable, Hashable {
        /// The node took it and reported our hash.
        case accepted(endpoint: Int)
        /// The node's verdict on the transaction (already known, nonce, fees, funds, revert).
        case refused(endpoint: Int, EthereumSendError)
        /// Unreachable, garbage, or another hash: the endpoint's fault.
        case faulty(endpoint: Int, String)
    }

    public enum Outcome: Sendable, Hashable {
        /// In at least one node's pool; `acceptedBy` = the endpoints that took it or knew it.
        case sent(acceptedBy: [Int])
        /// No endpoint took it; the refusal the sender acts on.
        case refused(EthereumSendError)
        /// No endpoint answered usefully.
        case unreachable(String)
    }

    public static func outcome(_ answers: [Answer]) -> Outcome {
        var taken: [Int] = []
        var refusals: [EthereumSendError] = []
        var faults: [String] = []
        for answer in answers {
            switch answer {
            case .accepted(let i), .refused(let i, .alreadyKnown): taken.append(i)
            case .refused(_, let error): refusals.append(error)
            case .faulty(let i, let text): faults.append("endpoint \(i): \(text)")
            }
        }
        if !taken.isEmpty { return .sent(acceptedBy: taken) }
        if let conflict = refusals.first(where: { if case .nonceConflict = $0 { true } else { false } }) { return .refused(conflict) }
        if let first = refusals.first { return .refused(first) }
        return .unreachable(faults.isEmpty ? "every endpoint is excluded" : faults.joined(separator: "; "))
    }
}
