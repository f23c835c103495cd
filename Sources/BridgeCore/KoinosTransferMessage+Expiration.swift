// SPDX-License-Identifier: Apache-2.0
import Primitives

extension KoinosTransferMessage {
    /// The proto field number of `expiration` in each layout (v1: 7, v2: 10).
    static func expirationField(_ profile: ContractProfile) -> UInt64 { profile == .v1 ? 7 : 10 }

    /// The expiration carried by encoded message bytes; nil when the bytes are not a well-formed
    /// message of `profile` with exactly one expiration field.
    public static func expiration(ofEncoded bytes: [UInt8], profile: ContractProfile) -> UInt64? {
        guard let found = expirationField(in: bytes, profile: profile) else { return nil }
        return found.value
    }

    /// `bytes` (an encoded message of `profile`) with the expiration set to `expiration` and every
    /// other field's bytes kept as they are, so the result is what `encoded()` gives for the same
    /// message with that expiration. Pure and deterministic. Nil when the bytes are not a
    /// well-formed message with exactly one expiration field, or `expiration` is 0 (omitted).
    public static func reexpired(_ bytes: [UInt8], profile: ContractProfile, expiration: UInt64) -> [UInt8]? {
        guard expiration > 0, let found = expirationField(in: bytes, profile: profile) else { return nil }
        var out = Array(bytes[..<found.valueRange.lowerBound])
        Varint.append(expiration, to: &out)
        out += bytes[found.valueRange.upperBound...]
        return out
    }

    /// Where the expiration varint is: its value and the byte range of the value (after the key).
    /// Walks the top-level fields (varints and length-delimited only, as the contracts encode).
    private static func expirationField(in bytes: [UInt8], profile: ContractProfile) -> (value: UInt64, valueRange: Range<Int>)? {
        let target = expirationField(profile)
        var found: (value: UInt64, valueRange: Range<Int>)?
        var at = 0
        while at < bytes.count {
            guard let key = try? Varint.decode(bytes[at...]) else { return nil }
            at += key.length
            guard let value = try? Varint.decode(bytes[at...]) else { return nil }
            let start = at
            at += value.length
            switch key.value & 7 {
            case 0:
                if key.value >> 3 == target {
                    guard found == nil else { return nil }
                    found = (value.value, start..<at)
                }
            case 2:
                guard key.value >> 3 != target, value.value <= UInt64(bytes.count - at) else { return nil }
                at += Int(value.value)
            default:
                return nil
            }
        }
        return found
    }
}
