// SPDX-License-Identifier: Apache-2.0

/// Recursive Length Prefix encoding (Ethereum yellow paper, appendix B): byte strings and lists.
///
/// Only encoding is needed to build transactions; integers are written as their minimal
/// big-endian bytes (zero is the empty string), as the transaction formats require.
public enum RLP {
    /// An RLP item: a byte string or a list of items.
    public indirect enum Item: Sendable, Hashable {
        case bytes([UInt8])
        case list([Item])

        /// An unsigned integer as minimal big-endian bytes (no leading zeros; 0 → empty).
        public static func uint(_ value: UInt64) -> Item { .bytes(RLP.minimalBytes(value)) }

        /// A 32-byte big-endian scalar (signature r, s) with its leading zeros stripped.
        public static func scalar(_ bigEndian: [UInt8]) -> Item { .bytes(Array(bigEndian.drop(while: { $0 == 0 }))) }
    }

    /// The encoding of `item`.
    public static func encode(_ item: Item) -> [UInt8] {
        var out: [UInt8] = []
        append(item, to: &out)
        return out
    }

    static func append(_ item: Item, to out: inout [UInt8]) {
        switch item {
        case .bytes(let b):
            if b.count == 1, b[0] < 0x80 {
                out.append(b[0])
            } else {
                header(length: b.count, shortBase: 0x80, to: &out)
                out.append(contentsOf: b)
            }
        case .list(let items):
            var payload: [UInt8] = []
            for i in items { append(i, to: &payload) }
            header(length: payload.count, shortBase: 0xc0, to: &out)
            out.append(contentsOf: payload)
        }
    }

    /// The header of a list whose items' encodings total `payloadLength` bytes.
    static func appendListHeader(payloadLength: Int, to out: inout [UInt8]) {
        header(length: payloadLength, shortBase: 0xc0, to: &out)
    }

    /// `base + length` for payloads under 56 bytes, else `base + 55 + len(len)` then the length.
    private static func header(length: Int, shortBase: UInt8, to out: inout [UInt8]) {
        if length < 56 {
            out.append(shortBase + UInt8(length))
        } else {
            let lengthBytes = minimalBytes(UInt64(length))
            out.append(shortBase + 55 + UInt8(lengthBytes.count))
            out.append(contentsOf: lengthBytes)
        }
    }

    /// Big-endian bytes of `value` without leading zeros (empty for 0).
    public static func minimalBytes(_ value: UInt64) -> [UInt8] {
        var out: [UInt8] = []
        var v = value
        while v > 0 {
            out.append(UInt8(truncatingIfNeeded: v))
            v >>= 8
        }
        return out.reversed()
    }
}
