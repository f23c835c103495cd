// SPDX-License-Identifier: Apache-2.0

/// A 32-byte digest as a dictionary or set key: four words, hashed and compared without touching
/// the heap (a `[UInt8]` key hashes byte by byte and retains its buffer on every lookup).
///
/// Injective for any input: a value that is not exactly 32 bytes long (never a digest the bridge
/// produces or accepts, but the type does not rely on callers) keeps its bytes in `other`. Ordered
/// like the bytes (`lexicographicallyPrecedes`), so sorting keys sorts digests.
public struct DigestKey: Hashable, Comparable, Sendable {
    private let w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64
    /// The bytes when they are not exactly 32 long; nil otherwise.
    private let other: [UInt8]?

    public init(_ bytes: [UInt8]) {
        guard bytes.count == 32 else {
            (w0, w1, w2, w3) = (0, 0, 0, 0)
            other = bytes
            return
        }
        (w0, w1, w2, w3) = bytes.withUnsafeBytes { raw in
            (raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self).bigEndian,
             raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self).bigEndian,
             raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self).bigEndian,
             raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self).bigEndian)
        }
        other = nil
    }

    /// The digest's bytes.
    public var bytes: [UInt8] {
        if let other { return other }
        var out = [UInt8](repeating: 0, count: 32)
        out.withUnsafeMutableBytes { raw in
            for (i, word) in [w0, w1, w2, w3].enumerated() { raw.storeBytes(of: word.bigEndian, toByteOffset: i * 8, as: UInt64.self) }
        }
        return out
    }

    public static func < (a: Self, b: Self) -> Bool {
        if a.other == nil, b.other == nil { return (a.w0, a.w1, a.w2, a.w3) < (b.w0, b.w1, b.w2, b.w3) }
        return a.bytes.lexicographicallyPrecedes(b.bytes)
    }
}
