// SPDX-License-Identifier: Apache-2.0

/// The current validator set as the Koinos contract reports it.
///
/// Validators are identified by their 25-byte Koinos address (the key that signs Koinos-bound
/// digests). The set is kept sorted by address bytes: the submitter rotation and the
/// contract-minimal signature order both rely on that order.
public struct ValidatorSet: Sendable, Hashable {
    public private(set) var addresses: [[UInt8]]

    public init(_ addresses: [[UInt8]]) {
        self.addresses = Array(Set(addresses)).sorted { $0.lexicographicallyPrecedes($1) }
    }

    public var count: Int { addresses.count }

    public func contains(_ address: [UInt8]) -> Bool { addresses.contains(address) }

    /// Q(N) for this set under `profile`.
    public func quorum(_ profile: ContractProfile) -> Int {
        Quorum.required(validatorCount: count, profile: profile)
    }
}

/// One validator's 65-byte Koinos compact signature (header 31+recid ‖ r ‖ s) over a digest.
public struct ValidatorSignature: Sendable, Hashable {
    /// Koinos address (25 bytes) the signature recovers to.
    public var validator: [UInt8]
    public var signature: [UInt8]

    public init(validator: [UInt8], signature: [UInt8]) {
        self.validator = validator
        self.signature = signature
    }
}
