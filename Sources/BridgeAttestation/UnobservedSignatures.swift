// SPDX-License-Identifier: Apache-2.0
import BridgeCore

/// Verified peer signatures for observation ids our watcher has not observed (yet): kept in
/// memory only — never persisted, relayed or counted — until we observe the id, then absorbed
/// like any other signature. Bounded per validator and in total, so a dishonest validator
/// signing made-up digests fills its own share and nothing else; held signatures expire.
public struct UnobservedSignatures: Sendable {
    struct Held: Sendable {
        var item: SignedObservation
        var receivedAtMilliseconds: UInt64
    }

    public let maxPerValidator: Int
    public let maxTotal: Int
    private var byObservation: [ObservationID: [Held]] = [:]
    private var perValidator: [[UInt8]: Int] = [:]
    public private(set) var count = 0
    /// Signatures not held because a cap was reached.
    public private(set) var refused = 0

    public init(maxPerValidator: Int, maxTotal: Int) {
        self.maxPerValidator = max(1, maxPerValidator)
        self.maxTotal = max(1, maxTotal)
    }

    /// Holds `item`; false when it is a duplicate or a cap is reached.
    mutating func hold(_ item: SignedObservation, now: UInt64) -> Bool {
        let validator = item.signature.validator
        let held = byObservation[item.observationID] ?? []
        guard !held.contains(where: { $0.item.signature.validator == validator && $0.item.digest == item.digest }) else { return false }
        guard count < maxTotal, perValidator[validator, default: 0] < maxPerValidator else {
            refused += 1
            return false
        }
        byObservation[item.observationID, default: []].append(Held(item: item, receivedAtMilliseconds: now))
        perValidator[validator, default: 0] += 1
        count += 1
        return true
    }

    /// Removes and returns what is held for `id`, oldest first.
    mutating func take(_ id: ObservationID) -> [SignedObservation] {
        guard let held = byObservation.removeValue(forKey: id) else { return [] }
        for h in held { release(h.item.signature.validator) }
        return held.map(\.item)
    }

    /// Forgets signatures received before `cutoff`.
    mutating func expire(receivedBefore cutoff: UInt64) {
        for (id, held) in byObservation {
            let kept = held.filter { $0.receivedAtMilliseconds >= cutoff }
            guard kept.count != held.count else { continue }
            for h in held where h.receivedAtMilliseconds < cutoff { release(h.item.signature.validator) }
            byObservation[id] = kept.isEmpty ? nil : kept
        }
    }

    /// Held signatures of `validator` (inspection and tests).
    public func count(of validator: [UInt8]) -> Int { perValidator[validator] ?? 0 }

    private mutating func release(_ validator: [UInt8]) {
        count -= 1
        let left = perValidator[validator, default: 1] - 1
        perValidator[validator] = left > 0 ? left : nil
    }
}
