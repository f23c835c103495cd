// SPDX-License-Identifier: Apache-2.0
import BridgeCore

/// A value per validator, at most one each, kept ordered by address.
///
/// Tables hold at most N entries (N validators, a handful), so a sorted array beats a dictionary
/// keyed by 25-byte addresses: no hashing, no buckets to allocate, and for signatures the
/// contract-minimal submission set is a prefix.
struct AddressOrderedTable<Value: Sendable>: Sendable {
    /// Ordered by validator address.
    private(set) var entries: [(validator: [UInt8], value: Value)] = []

    var count: Int { entries.count }

    subscript(_ validator: [UInt8]) -> Value? {
        get { index(of: validator).map { entries[$0].value } }
        set {
            if let i = index(of: validator) {
                if let newValue { entries[i].value = newValue } else { entries.remove(at: i) }
            } else if let newValue {
                let position = entries.firstIndex { validator.lexicographicallyPrecedes($0.validator) } ?? entries.count
                entries.insert((validator, newValue), at: position)
            }
        }
    }

    private func index(of validator: [UInt8]) -> Int? { entries.firstIndex { $0.validator == validator } }
}

extension AddressOrderedTable where Value == [UInt8] {
    /// The signatures, ordered by validator.
    var signatures: [ValidatorSignature] { entries.map { ValidatorSignature(validator: $0.validator, signature: $0.value) } }
}
