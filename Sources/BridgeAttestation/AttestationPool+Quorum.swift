// SPDX-License-Identifier: Apache-2.0
public import BridgeCore

extension AttestationPool {
    /// Replaces the current validator set and re-checks every observed entry against it.
    public mutating func updateValidators(_ set: ValidatorSet, atMilliseconds now: UInt64) -> [Action] {
        validators = set
        var actions: [Action] = []
        for digest in entries.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            guard let entry = entries[digest], entry.own != nil else { continue }
            let record = quorumRecord(for: entry)
            if record != entry.quorum {
                if let record {
                    entries[digest]?.quorum = record
                    if entries[digest]?.quorumAtMilliseconds == nil { entries[digest]?.quorumAtMilliseconds = now }
                    actions.append(.markQuorum(record))
                } else {
                    entries[digest]?.quorum = nil
                    entries[digest]?.quorumAtMilliseconds = nil
                    actions.append(.revokeQuorum(entry.observationID, digest: digest))
                }
            }
        }
        return actions
    }

    /// Marks quorum for `digest` when our own observation matches and Q(N) current validators signed.
    /// After quorum, a late signature that sorts before the set's last member improves the set, so
    /// every node converges on the same first-Q(N)-by-address set.
    mutating func checkQuorum(_ digest: [UInt8], now: UInt64) -> [Action] {
        guard let entry = entries[digest], entry.own != nil, let record = quorumRecord(for: entry) else { return [] }
        if let existing = entry.quorum {
            entries[digest]?.quorum = record
            return existing.submissionSet == record.submissionSet ? [] : [.markQuorum(record)]
        }
        entries[digest]?.quorum = record
        entries[digest]?.quorumAtMilliseconds = now
        let set = SignatureSet(observationID: entry.observationID, profile: entry.profile, digest: digest, signatures: record.submissionSet)
        return [.markQuorum(record), .broadcastAttestations([set])]
    }

    /// The contract-minimal set: Q(N) distinct current validators ordered by address; nil below quorum.
    func quorumRecord(for entry: Entry) -> QuorumRecord? {
        let required = validators.quorum(entry.profile)
        guard validators.count > 0, required > 0 else { return nil }
        let current = entry.signatures
            .filter { validators.contains($0.key) }
            .map { ValidatorSignature(validator: $0.key, signature: $0.value) }
            .sorted { $0.validator.lexicographicallyPrecedes($1.validator) }
        guard current.count >= required else { return nil }
        return QuorumRecord(
            observationID: entry.observationID, digest: entry.digest, required: required, have: current.count,
            submissionSet: Array(current.prefix(required)))
    }
}
