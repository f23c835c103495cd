// SPDX-License-Identifier: Apache-2.0

/// One 256-bit ABI word, big-endian, as an unsigned integer.
///
/// The watcher only needs to know whether a value fits 64 bits and to print it exactly, so this
/// is storage plus those two operations rather than full 256-bit arithmetic.
public struct ABIWord: Sendable, Hashable, CustomStringConvertible {
    /// Exactly 32 bytes, big-endian.
    public let bytes: [UInt8]

    /// `bytes` must be 32 bytes long.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 32 else { return nil }
        self.bytes = bytes
    }

    public init(_ value: UInt64) {
        var b = [UInt8](repeating: 0, count: 32)
        for i in 0..<8 { b[31 - i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
        bytes = b
    }

    /// The value when it fits in 64 bits.
    public var uint64: UInt64? {
        guard bytes[0..<24].allSatisfy({ $0 == 0 }) else { return nil }
        return bytes[24..<32].reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// Exact decimal text (unsigned).
    public var description: String {
        var limbs = stride(from: 0, to: 32, by: 4).map { i in
            bytes[i..<i + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        }
        var digits: [UInt8] = []
        while limbs.contains(where: { $0 != 0 }) {
            var remainder: UInt64 = 0
            for i in limbs.indices {
                let current = remainder << 32 | UInt64(limbs[i])
                limbs[i] = UInt32(current / 10)
                remainder = current % 10
            }
            digits.append(UInt8(48 + remainder))
        }
        return digits.isEmpty ? "0" : String(decoding: digits.reversed(), as: UTF8.self)
    }
}
