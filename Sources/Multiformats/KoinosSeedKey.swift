// SPDX-License-Identifier: Apache-2.0
import ChainCrypto

extension Libp2pPrivateKey {
    /// The ECDSA P-256 identity koinos-p2p derives from its `seed` option:
    /// `iseed = int64(big-endian sha256(seed)[0..<8])`, Go `math/rand` seeded with `iseed`,
    /// 40 bytes read from it, `d = (b mod (n − 1)) + 1` (Go 1.19 `ecdsa.GenerateKey`).
    public static func koinosSeeded(_ seed: String) -> Libp2pPrivateKey {
        let hash = SHA256Digest.hash(Array(seed.utf8))
        let seedValue = Int64(bitPattern: hash.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        var source = GoMathRandSource(seed: seedValue)
        let material = source.read(count: 40)
        let scalar = P256Order.reduceToScalar(material)
        return try! Libp2pPrivateKey(type: .ecdsaP256, rawScalar: scalar)
    }
}

/// `(b mod (n − 1)) + 1` for the P-256 group order n, as 32 big-endian bytes.
enum P256Order {
    /// n − 1 for P-256, little-endian 64-bit limbs.
    static let orderMinusOne: [UInt64] = [
        0xF3B9_CAC2_FC63_2550, 0xBCE6_FAAD_A717_9E84, 0xFFFF_FFFF_FFFF_FFFF, 0xFFFF_FFFF_0000_0000,
    ]

    static func reduceToScalar(_ bytes: [UInt8]) -> [UInt8] {
        // Bit-serial long division: r = (r << 1 | bit) mod m, with r < m < 2^256 kept in 5 limbs.
        var remainder: [UInt64] = [0, 0, 0, 0, 0]
        for byte in bytes {
            for bit in (0..<8).reversed() {
                var carry = UInt64((byte >> UInt8(bit)) & 1)
                for limb in 0..<5 {
                    let next = remainder[limb] >> 63
                    remainder[limb] = remainder[limb] << 1 | carry
                    carry = next
                }
                if !isLess(remainder, orderMinusOne) { subtract(&remainder, orderMinusOne) }
            }
        }
        // + 1
        var limb = 0
        while limb < 5 {
            let (sum, overflow) = remainder[limb].addingReportingOverflow(1)
            remainder[limb] = sum
            if !overflow { break }
            limb += 1
        }
        return (0..<4).reversed().flatMap { index in (0..<8).reversed().map { UInt8(truncatingIfNeeded: remainder[index] >> UInt64($0 * 8)) } }
    }

    private static func isLess(_ a: [UInt64], _ m: [UInt64]) -> Bool {
        if a[4] != 0 { return false }
        for index in (0..<4).reversed() where a[index] != m[index] { return a[index] < m[index] }
        return false
    }

    private static func subtract(_ a: inout [UInt64], _ m: [UInt64]) {
        var borrow: UInt64 = 0
        for index in 0..<5 {
            let operand = index < 4 ? m[index] : 0
            let (first, overflowA) = a[index].subtractingReportingOverflow(operand)
            let (second, overflowB) = first.subtractingReportingOverflow(borrow)
            a[index] = second
            borrow = (overflowA || overflowB) ? 1 : 0
        }
    }
}
