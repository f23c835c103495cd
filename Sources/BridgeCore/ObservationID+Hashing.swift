// SPDX-License-Identifier: Apache-2.0

extension ObservationID {
    /// Hashes the transaction hash as one block of bytes (the synthesized conformance would feed
    /// the hasher one byte at a time); equality is unchanged, so equal ids still hash equally.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(chainID)
        transactionHash.withUnsafeBytes { hasher.combine(bytes: $0) }
        hasher.combine(transactionHash.count)
        hasher.combine(logIndex)
    }
}
