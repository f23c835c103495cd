// SPDX-License-Identifier: Apache-2.0

/// Go's `math/rand` source (the additive lagged Fibonacci generator, x[k] = x[k−607] + x[k−273]
/// mod 2^64), reproduced so koinos-p2p's seed → key derivation can be reproduced exactly.
///
/// Go mixes every seeded state with a constant table ("rngCooked"), defined as the generator's
/// state after 7.8e12 steps from its own seeding with 1. We compute that table instead of
/// embedding it: the recurrence is linear, so the state N steps ahead is obtained with
/// t^N mod (t^607 − t^334 − 1) over Z/2^64 (square-and-multiply on polynomials), in milliseconds.
struct GoMathRandSource {
    static let length = 607
    static let tap = 273
    private static let int32Max: Int64 = (1 << 31) - 1

    private var vector: [UInt64]
    private var tapIndex = 0
    private var feedIndex = length - tap
    private var readValue: UInt64 = 0
    private var readPosition = 0

    /// `rand.NewSource(seed)`.
    init(seed: Int64) {
        vector = GoMathRandSource.seededVector(seed: seed, shifts: (40, 20)).enumerated().map { index, value in
            value ^ GoMathRandSource.cooked[index]
        }
    }

    /// `Uint64()`.
    mutating func nextUInt64() -> UInt64 {
        tapIndex -= 1
        if tapIndex < 0 { tapIndex += GoMathRandSource.length }
        feedIndex -= 1
        if feedIndex < 0 { feedIndex += GoMathRandSource.length }
        let value = vector[feedIndex] &+ vector[tapIndex]
        vector[feedIndex] = value
        return value
    }

    /// `Int63()`.
    mutating func nextInt63() -> UInt64 { nextUInt64() & (UInt64.max >> 1) }

    /// `(*Rand).Read`: 7 bytes of each Int63, low byte first.
    mutating func read(count: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count)
        for _ in 0..<count {
            if readPosition == 0 {
                readValue = nextInt63()
                readPosition = 7
            }
            out.append(UInt8(truncatingIfNeeded: readValue))
            readValue >>= 8
            readPosition -= 1
        }
        return out
    }

    /// x[n+1] = 48271 · x[n] mod (2^31 − 1), Schrage's method as Go writes it.
    private static func seedStep(_ x: Int32) -> Int32 {
        let hi = x / 44488
        let lo = x % 44488
        var next = 48271 &* lo &- 3399 &* hi
        if next < 0 { next &+= Int32(int32Max) }
        return next
    }

    /// The LCG-filled vector (before the cooked mix); Go's rng uses shifts (40, 20), gen_cooked (20, 10).
    static func seededVector(seed: Int64, shifts: (Int64, Int64)) -> [UInt64] {
        var reduced = seed % int32Max
        if reduced < 0 { reduced += int32Max }
        if reduced == 0 { reduced = 89_482_311 }
        var x = Int32(reduced)
        var out = [UInt64](repeating: 0, count: length)
        for index in -20..<length {
            x = seedStep(x)
            if index >= 0 {
                var value = Int64(x) << shifts.0
                x = seedStep(x)
                value ^= Int64(x) << shifts.1
                x = seedStep(x)
                value ^= Int64(x)
                out[index] = UInt64(bitPattern: value)
            }
        }
        return out
    }

    /// Go's rngCooked table, computed (see the type's documentation).
    static let cooked: [UInt64] = computeCooked(steps: 7_800_000_000_000)

    static func computeCooked(steps: UInt64) -> [UInt64] {
        let n = length
        let initial = seededVector(seed: 1, shifts: (20, 10))
        // Sequence view: the value written at step k (k ≥ 1) is s_k = s_{k−607} + s_{k−273}; the
        // initial array gives s_j for j ∈ [−606, 0] as s_j = initial[(334 − j) mod 607].
        // With u_i = s_{i−606}: u_0…u_606 known, u_{i+607} = u_{i+334} + u_i.
        var u = [UInt64](repeating: 0, count: 2 * n - 1)
        for i in 0..<n {
            let j = i - 606
            u[i] = initial[((334 - j) % n + n) % n]
        }
        for i in n..<(2 * n - 1) { u[i] = u[i - 607] &+ u[i - 273] }
        // The final array holds, at index p, the last s_k with k ≤ steps and k ≡ 334 − p (mod 607).
        // Those k span [steps − 606, steps]; compute u at M0 = steps − 606 + 606 = steps via
        // t^M0 and then shift by 0…606 using the precomputed u window.
        let firstK = steps - 606
        let coefficients = PolynomialModulo.power(exponent: firstK + 606)  // u index of s_{firstK}
        var window = [UInt64](repeating: 0, count: n)  // window[d] = s_{firstK + d}
        for d in 0..<n {
            var sum: UInt64 = 0
            for i in 0..<n { sum = sum &+ coefficients[i] &* u[i + d] }
            window[d] = sum
        }
        var table = [UInt64](repeating: 0, count: n)
        for p in 0..<n {
            let residue = ((334 - p) % n + n) % n
            let offset = (Int((steps - UInt64(residue)) % UInt64(n)))  // steps − k_p
            let k = steps - UInt64(offset)
            table[p] = window[Int(k - firstK)]
        }
        return table
    }
}

/// Polynomial arithmetic modulo t^607 − t^334 − 1 with coefficients in Z/2^64.
enum PolynomialModulo {
    static let degree = 607

    /// Coefficients of t^exponent mod (t^607 − t^334 − 1).
    static func power(exponent: UInt64) -> [UInt64] {
        var result = [UInt64](repeating: 0, count: degree)
        result[0] = 1
        var base = [UInt64](repeating: 0, count: degree)
        base[1] = 1
        var remaining = exponent
        while remaining > 0 {
            if remaining & 1 == 1 { result = multiply(result, base) }
            remaining >>= 1
            if remaining > 0 { base = multiply(base, base) }
        }
        return result
    }

    static func multiply(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        var product = [UInt64](repeating: 0, count: 2 * degree - 1)
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                product.withUnsafeMutableBufferPointer { out in
                    for i in 0..<degree where pa[i] != 0 {
                        let coefficient = pa[i]
                        for j in 0..<degree { out[i + j] = out[i + j] &+ coefficient &* pb[j] }
                    }
                }
            }
        }
        // Reduce: t^d = t^(d−273) + t^(d−607) for d ≥ 607, from the top down.
        for d in stride(from: 2 * degree - 2, through: degree, by: -1) {
            let coefficient = product[d]
            if coefficient == 0 { continue }
            product[d - 273] = product[d - 273] &+ coefficient
            product[d - 607] = product[d - 607] &+ coefficient
            product[d] = 0
        }
        return Array(product.prefix(degree))
    }
}
