// SPDX-License-Identifier: Apache-2.0

/// Keccak-256 as Ethereum uses it (original Keccak padding 0x01, not SHA3's 0x06).
///
/// swift-crypto's SHA3 cannot be used: same permutation, different domain padding. Rate 136 bytes,
/// capacity 512 bits, 24 rounds of Keccak-f[1600].
///
/// Performance: the state and the partial block live inline in the struct (no heap), whole blocks
/// are XORed into the state straight from the caller's contiguous storage, and the permutation
/// keeps all 25 lanes in locals with the rounds' steps written out (see `KeccakF1600.permute`).
public struct Keccak256: Sendable {
    /// 25 state lanes followed by the partial input block (17 lanes = 136 bytes), inline so a hasher
    /// never allocates. Block bytes past `buffered` are always zero.
    private var storage = KeccakF1600.zeroStorage
    private var buffered = 0
    static let rate = 136
    private static let blockOffset = 25 * 8

    public init() {}

    /// One-shot digest (32 bytes).
    public static func hash(_ data: some Collection<UInt8>) -> [UInt8] {
        var k = Keccak256()
        k.update(data)
        return k.finalize()
    }

    /// One-shot digest of a byte array (the common case; no generic dispatch).
    public static func hash(_ data: [UInt8]) -> [UInt8] {
        var k = Keccak256()
        data.withUnsafeBytes { k.absorb($0) }
        return k.finalize()
    }

    public mutating func update(_ data: some Collection<UInt8>) {
        let done: Void? = data.withContiguousStorageIfAvailable { absorb(UnsafeRawBufferPointer($0)) }
        if done == nil { Array(data).withUnsafeBytes { absorb($0) } }
    }

    public mutating func update(_ data: [UInt8]) {
        data.withUnsafeBytes { absorb($0) }
    }

    /// Absorbs raw bytes: tops up the partial block, then whole blocks straight from `input`.
    mutating func absorb(_ input: UnsafeRawBufferPointer) {
        guard var source = input.baseAddress, input.count > 0 else { return }
        var remaining = input.count
        var filled = buffered
        withUnsafeMutableBytes(of: &storage) { raw in
            let lanes = raw.baseAddress!.assumingMemoryBound(to: UInt64.self)
            let pending = raw.baseAddress! + Self.blockOffset
            if filled > 0 {
                let take = min(Self.rate - filled, remaining)
                (pending + filled).copyMemory(from: source, byteCount: take)
                filled += take
                source += take
                remaining -= take
                guard filled == Self.rate else { return }
                KeccakF1600.xorBlock(UnsafeRawPointer(pending), into: lanes)
                KeccakF1600.permute(lanes)
                pending.initializeMemory(as: UInt8.self, repeating: 0, count: Self.rate)
                filled = 0
            }
            while remaining >= Self.rate {
                KeccakF1600.xorBlock(source, into: lanes)
                KeccakF1600.permute(lanes)
                source += Self.rate
                remaining -= Self.rate
            }
            if remaining > 0 {
                pending.copyMemory(from: source, byteCount: remaining)
                filled = remaining
            }
        }
        buffered = filled
    }

    /// Pads (0x01 … 0x80), absorbs the last block and squeezes 32 bytes. Resets the hasher.
    public mutating func finalize() -> [UInt8] {
        let filled = buffered
        buffered = 0
        return withUnsafeMutableBytes(of: &storage) { raw in
            let lanes = raw.baseAddress!.assumingMemoryBound(to: UInt64.self)
            let pending = raw.baseAddress! + Self.blockOffset
            pending.storeBytes(of: pending.load(fromByteOffset: filled, as: UInt8.self) ^ 0x01, toByteOffset: filled, as: UInt8.self)
            pending.storeBytes(of: pending.load(fromByteOffset: Self.rate - 1, as: UInt8.self) ^ 0x80, toByteOffset: Self.rate - 1, as: UInt8.self)
            KeccakF1600.xorBlock(UnsafeRawPointer(pending), into: lanes)
            KeccakF1600.permute(lanes)
            let digest = [UInt8](unsafeUninitializedCapacity: 32) { out, count in
                for i in 0..<4 {
                    UnsafeMutableRawPointer(out.baseAddress!).storeBytes(of: lanes[i].littleEndian, toByteOffset: i * 8, as: UInt64.self)
                }
                count = 32
            }
            raw.initializeMemory(as: UInt8.self, repeating: 0)
            return digest
        }
    }
}

/// The Keccak-f[1600] permutation over the 5×5 lane state (lane index x + 5y, little-endian lanes).
enum KeccakF1600 {
    /// 25 state lanes and one rate-sized block (17 lanes), inline: 42 × 8 bytes.
    typealias Storage = (
        UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
        UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
        UInt64, UInt64, UInt64, UInt64, UInt64,
        UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
        UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64
    )
    @inline(__always) static var zeroStorage: Storage { (
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
    ) }

    static let roundConstants: [UInt64] = [
        0x0000_0000_0000_0001, 0x0000_0000_0000_8082, 0x8000_0000_0000_808A, 0x8000_0000_8000_8000,
        0x0000_0000_0000_808B, 0x0000_0000_8000_0001, 0x8000_0000_8000_8081, 0x8000_0000_0000_8009,
        0x0000_0000_0000_008A, 0x0000_0000_0000_0088, 0x0000_0000_8000_8009, 0x0000_0000_8000_000A,
        0x0000_0000_8000_808B, 0x8000_0000_0000_008B, 0x8000_0000_0000_8089, 0x8000_0000_0000_8003,
        0x8000_0000_0000_8002, 0x8000_0000_0000_0080, 0x0000_0000_0000_800A, 0x8000_0000_8000_000A,
        0x8000_0000_8000_8081, 0x8000_0000_0000_8080, 0x0000_0000_8000_0001, 0x8000_0000_8000_8008,
    ]

    @inline(__always)
    static func rotl(_ x: UInt64, _ n: UInt64) -> UInt64 { (x &<< n) | (x &>> (64 &- n)) }

    /// XORs 17 little-endian lanes (one block, any alignment) from `source` into the state.
    @inline(__always)
    static func xorBlock(_ source: UnsafeRawPointer, into lanes: UnsafeMutablePointer<UInt64>) {
        for i in 0..<17 {
            lanes[i] ^= UInt64(littleEndian: source.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self))
        }
    }

    /// The 24 rounds with all 25 lanes in locals. The step lines were generated from the ρ offsets
    /// and π mapping of FIPS 202 §3.2 and are checked by the hash vectors.
    static func permute(_ a: UnsafeMutablePointer<UInt64>) {
        var s0 = a[0]
        var s1 = a[1]
        var s2 = a[2]
        var s3 = a[3]
        var s4 = a[4]
        var s5 = a[5]
        var s6 = a[6]
        var s7 = a[7]
        var s8 = a[8]
        var s9 = a[9]
        var s10 = a[10]
        var s11 = a[11]
        var s12 = a[12]
        var s13 = a[13]
        var s14 = a[14]
        var s15 = a[15]
        var s16 = a[16]
        var s17 = a[17]
        var s18 = a[18]
        var s19 = a[19]
        var s20 = a[20]
        var s21 = a[21]
        var s22 = a[22]
        var s23 = a[23]
        var s24 = a[24]
        let constants = roundConstants
        for round in 0..<24 {
            // θ: column parities.
            let c0 = s0 ^ s5 ^ s10 ^ s15 ^ s20
            let c1 = s1 ^ s6 ^ s11 ^ s16 ^ s21
            let c2 = s2 ^ s7 ^ s12 ^ s17 ^ s22
            let c3 = s3 ^ s8 ^ s13 ^ s18 ^ s23
            let c4 = s4 ^ s9 ^ s14 ^ s19 ^ s24
            let d0 = c4 ^ rotl(c1, 1)
            let d1 = c0 ^ rotl(c2, 1)
            let d2 = c1 ^ rotl(c3, 1)
            let d3 = c2 ^ rotl(c4, 1)
            let d4 = c3 ^ rotl(c0, 1)
            // θ applied, then ρ (rotate) and π (move) in one step: B[y, 2x+3y] = rot(A[x, y] ^ D[x], r[x, y]).
            let b0 = s0 ^ d0
            let b10 = rotl(s1 ^ d1, 1)
            let b20 = rotl(s2 ^ d2, 62)
            let b5 = rotl(s3 ^ d3, 28)
            let b15 = rotl(s4 ^ d4, 27)
            let b16 = rotl(s5 ^ d0, 36)
            let b1 = rotl(s6 ^ d1, 44)
            let b11 = rotl(s7 ^ d2, 6)
            let b21 = rotl(s8 ^ d3, 55)
            let b6 = rotl(s9 ^ d4, 20)
            let b7 = rotl(s10 ^ d0, 3)
            let b17 = rotl(s11 ^ d1, 10)
            let b2 = rotl(s12 ^ d2, 43)
            let b12 = rotl(s13 ^ d3, 25)
            let b22 = rotl(s14 ^ d4, 39)
            let b23 = rotl(s15 ^ d0, 41)
            let b8 = rotl(s16 ^ d1, 45)
            let b18 = rotl(s17 ^ d2, 15)
            let b3 = rotl(s18 ^ d3, 21)
            let b13 = rotl(s19 ^ d4, 8)
            let b14 = rotl(s20 ^ d0, 18)
            let b24 = rotl(s21 ^ d1, 2)
            let b9 = rotl(s22 ^ d2, 61)
            let b19 = rotl(s23 ^ d3, 56)
            let b4 = rotl(s24 ^ d4, 14)
            // χ: row-wise non-linear step.
            s0 = b0 ^ (~b1 & b2)
            s1 = b1 ^ (~b2 & b3)
            s2 = b2 ^ (~b3 & b4)
            s3 = b3 ^ (~b4 & b0)
            s4 = b4 ^ (~b0 & b1)
            s5 = b5 ^ (~b6 & b7)
            s6 = b6 ^ (~b7 & b8)
            s7 = b7 ^ (~b8 & b9)
            s8 = b8 ^ (~b9 & b5)
            s9 = b9 ^ (~b5 & b6)
            s10 = b10 ^ (~b11 & b12)
            s11 = b11 ^ (~b12 & b13)
            s12 = b12 ^ (~b13 & b14)
            s13 = b13 ^ (~b14 & b10)
            s14 = b14 ^ (~b10 & b11)
            s15 = b15 ^ (~b16 & b17)
            s16 = b16 ^ (~b17 & b18)
            s17 = b17 ^ (~b18 & b19)
            s18 = b18 ^ (~b19 & b15)
            s19 = b19 ^ (~b15 & b16)
            s20 = b20 ^ (~b21 & b22)
            s21 = b21 ^ (~b22 & b23)
            s22 = b22 ^ (~b23 & b24)
            s23 = b23 ^ (~b24 & b20)
            s24 = b24 ^ (~b20 & b21)
            // ι
            s0 ^= constants[round]
        }
        a[0] = s0
        a[1] = s1
        a[2] = s2
        a[3] = s3
        a[4] = s4
        a[5] = s5
        a[6] = s6
        a[7] = s7
        a[8] = s8
        a[9] = s9
        a[10] = s10
        a[11] = s11
        a[12] = s12
        a[13] = s13
        a[14] = s14
        a[15] = s15
        a[16] = s16
        a[17] = s17
        a[18] = s18
        a[19] = s19
        a[20] = s20
        a[21] = s21
        a[22] = s22
        a[23] = s23
        a[24] = s24
    }
}
