// SPDX-License-Identifier: Apache-2.0

/// How far the node believes one Ethereum endpoint (`ethereum.agreement`).
///
/// - `failover`: the answer of the endpoint in use decides. One dishonest or compromised provider
///   can make the node store and sign a forged lock (a crafted receipt, header or finalized head).
/// - `two_agree`: every answer that decides what is stored or signed (logs, receipts, block
///   headers, the final block) must come identically from two different endpoints; for the final
///   block the lower of the two heights is used. A single lying endpoint can then only stall the
///   node, never make it sign.
public enum EndpointTrust: String, Sendable, Hashable, CaseIterable {
    case failover
    case twoAgree = "two_agree"
}
