// SPDX-License-Identifier: Apache-2.0
public import BridgeCore

extension AttestationPool {
    /// Replaces the current validator set and re-checks every observed entry against it.
    public mutating func updateValidators(_ set: ValidatorSet, atMilliseconds now: UInt64) -> [Action] {
        validators = set
        var actions: [Action] = []
        for key in entries.keys.sorted() {
            guard let entry = entries[key], entry.own != nil else { continue }
            let record = quorumRecord(for: entry)
            if record != entry.quorum {
                if let record {
                    entries[key]?.quorum = record
                    if entries[key]?.quorumAtMilliseconds == nil { entries[key]?.quorumAtMilliseconds = now }
                    actions.append(.markQuorum(record))
                } else {
                    entries[key]?.quorum = nil
                    entries[key]?.quorumAtMilliseconds = nil
                    actions.append(.revokeQuorum(entry.observationID, digest: entry.digest))
                }
            }
        }
        return actions
    }

    /// Marks quorum for the digest of `key` when our own observation matches and Q(N) current validators signed.
    /// After quorum, a late signature that sorts before the set's last member improves the set, so
    /// every node converges on the same first-Q(N)-by-address set.
    mutating func checkQuorum(_ key: DigestKey, now: UInt64) -> [Action] {
        // Held unverified signatures that cannot improve the set are never recovered.
        defer { dropUselessHeldSignatures(key) }
        guard let entry = entries[key], entry.own != nil, let record = quorumRecord(for: entry) else { return [] }
        if let existing = entry.quorum {
            entries[key]?.quorum = record
            return existing.submissionSet == record.submissionSet ? [] : [.markQuorum(record)]
        }
        entries[key]?.quorum = record
        entries[key]?.quorumAtMilliseconds = now
        // One broadcaster per observation in the honest case: the node whose own signature leads
        // its set. Everyone else answers re-observation requests, so late nodes still get it.
        guard record.submissionSet.first?.validator == entry.own?.signature.validator else { return [.markQuorum(record)] }
        let set = SignatureSet(observationID: entry.observationID, profile: entry.profile, digest: entry.digest, signatures: record.submissionSet)
        return [.markQuorum(record), .broadcastAttestations([set])]
    }

    /// The contract-minimal set: Q(N) distinct current validators ordered by address; nil below quorum.
    func quorumRecord(for entry: Entry) -> QuorumRecord? {
        let required = validators.quorum(entry.profile)
        guard validators.count > 0, required > 0 else { return nil }
        let current = entry.signatures.signatures.filter { validators.contains($0.validator) }
        guard current.count >= required else { return nil }
        return QuorumRecord(
            observationID: entry.observationID, digest: entry.digest, required: required, have: current.count,
            submissionSet: Array(current.prefix(required)))
    }
}
