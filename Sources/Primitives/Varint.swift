// SPDX-License-Identifier: Apache-2.0

/// The one base-128 varint codec (7 bits per byte, least significant group first).
///
/// Two users, two rules, one implementation: protobuf varints take up to 10 bytes (a negative
/// `int32`/`int64` or any value ≥ 2⁶³ needs all ten) and tolerate padded encodings; multiformats
/// unsigned varints are minimal and at most 9 bytes (`Varint.Rule.multiformats`).
public enum Varint {
    /// How long an encoding may be and whether it must be minimal.
    public struct Rule: Sendable, Equatable {
        public let maxBytes: Int
        public let requiresMinimal: Bool

        public init(maxBytes: Int, requiresMinimal: Bool) {
            self.maxBytes = max(1, min(maxBytes, 10))
            self.requiresMinimal = requiresMinimal
        }

        /// Protobuf: up to 10 bytes, the tenth holding only bit 63.
        public static let protobuf = Rule(maxBytes: 10, requiresMinimal: false)
        /// Multiformats unsigned-varint: minimal, at most 9 bytes (63 bits).
        public static let multiformats = Rule(maxBytes: 9, requiresMinimal: true)
    }

    /// Why bytes are not a varint under a rule.
    public enum DecodingError: Error, Equatable, Sendable {
        /// Longer than the rule allows.
        case tooLong
        /// The tenth byte carries bits above bit 63.
        case overflow
        /// A trailing zero group where the rule asks for the shortest encoding.
        case notMinimal
    }

    /// The varint bytes of `value`.
    @inlinable
    public static func encode(_ value: UInt64) -> [UInt8] {
        var out: [UInt8] = []
        append(value, to: &out)
        return out
    }

    /// Appends the varint bytes of `value` to `bytes`.
    @inlinable
    public static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    /// Decodes a varint at the front of `bytes`: (value, bytes used); nil when more bytes are needed;
    /// throws when the bytes can never be a varint under `rule`.
    @inlinable
    public static func decode(
        _ bytes: some Collection<UInt8>, rule: Rule = .protobuf
    ) throws(DecodingError) -> (value: UInt64, length: Int)? {
        var value: UInt64 = 0
        var count = 0
        for byte in bytes {
            guard count < rule.maxBytes else { throw .tooLong }
            if count == 9, byte > 1 { throw .overflow }
            value |= UInt64(byte & 0x7f) << UInt64(7 * count)
            count += 1
            if byte & 0x80 == 0 {
                if rule.requiresMinimal, byte == 0, count > 1 { throw .notMinimal }
                return (value, count)
            }
        }
        if count >= rule.maxBytes { throw .tooLong }
        return nil
    }
}
