// SPDX-License-Identifier: Apache-2.0

/// Keccak-256 as Ethereum uses it (original Keccak padding 0x01, not SHA3's 0x06).
///
/// swift-crypto's SHA3 cannot be used: same permutation, different domain padding. Rate 136 bytes,
/// capacity 512 bits, 24 rounds of Keccak-f[1600].
public struct Keccak256: Sendable {
    private var state = [UInt64](repeating: 0, count: 25)
    private var buffer = [UInt8]()
    private static let rate = 136

    public init() { buffer.reserveCapacity(Self.rate) }

    /// One-shot digest (32 bytes).
    public static func hash(_ data: some Collection<UInt8>) -> [UInt8] {
        var k = Keccak256()
        k.update(data)
        return k.finalize()
    }

    public mutating func update(_ data: some Collection<UInt8>) {
        for byte in data {
            buffer.append(byte)
            if buffer.count == Self.rate {
                absorbBuffer()
                buffer.removeAll(keepingCapacity: true)
            }
        }
    }

    public mutating func finalize() -> [UInt8] {
        var block = buffer
        block.append(0x01)
        while block.count < Self.rate { block.append(0) }
        block[Self.rate - 1] |= 0x80
        buffer = block
        absorbBuffer()
        var out = [UInt8]()
        out.reserveCapacity(32)
        for i in 0..<4 {
            withUnsafeBytes(of: state[i].littleEndian) { out.append(contentsOf: $0) }
        }
        return out
    }

    private mutating func absorbBuffer() {
        buffer.withUnsafeBufferPointer { bytes in
            state.withUnsafeMutableBufferPointer { lanes in
                for i in 0..<(Self.rate / 8) {
                    var lane: UInt64 = 0
                    for j in 0..<8 { lane |= UInt64(bytes[i * 8 + j]) << (8 * UInt64(j)) }
                    lanes[i] ^= lane
                }
                KeccakF1600.permute(lanes.baseAddress!)
            }
        }
    }
}

/// The Keccak-f[1600] permutation, unrolled over the 5×5 lane state.
enum KeccakF1600 {
    static let roundConstants: [UInt64] = [
        0x0000_0000_0000_0001, 0x0000_0000_0000_8082, 0x8000_0000_0000_808A, 0x8000_0000_8000_8000,
        0x0000_0000_0000_808B, 0x0000_0000_8000_0001, 0x8000_0000_8000_8081, 0x8000_0000_0000_8009,
        0x0000_0000_0000_008A, 0x0000_0000_0000_0088, 0x0000_0000_8000_8009, 0x0000_0000_8000_000A,
        0x0000_0000_8000_808B, 0x8000_0000_0000_008B, 0x8000_0000_0000_8089, 0x8000_0000_0000_8003,
        0x8000_0000_0000_8002, 0x8000_0000_0000_0080, 0x0000_0000_0000_800A, 0x8000_0000_8000_000A,
        0x8000_0000_8000_8081, 0x8000_0000_0000_8080, 0x0000_0000_8000_0001, 0x8000_0000_8000_8008,
    ]
    /// Rotation offsets and lane order of the combined ρ and π steps.
    static let rotations: [UInt64] = [1, 3, 6, 10, 15, 21, 28, 36, 45, 55, 2, 14, 27, 41, 56, 8, 25, 43, 62, 18, 39, 61, 20, 44]
    static let piLanes: [Int] = [10, 7, 11, 17, 18, 3, 5, 16, 8, 21, 24, 4, 15, 23, 19, 13, 12, 2, 20, 14, 22, 9, 6, 1]

    @inline(__always)
    static func rotl(_ x: UInt64, _ n: UInt64) -> UInt64 { (x << n) | (x >> (64 - n)) }

    static func permute(_ a: UnsafeMutablePointer<UInt64>) {
        var c0: UInt64, c1: UInt64, c2: UInt64, c3: UInt64, c4: UInt64
        for round in 0..<24 {
            // θ
            c0 = a[0] ^ a[5] ^ a[10] ^ a[15] ^ a[20]
            c1 = a[1] ^ a[6] ^ a[11] ^ a[16] ^ a[21]
            c2 = a[2] ^ a[7] ^ a[12] ^ a[17] ^ a[22]
            c3 = a[3] ^ a[8] ^ a[13] ^ a[18] ^ a[23]
            c4 = a[4] ^ a[9] ^ a[14] ^ a[19] ^ a[24]
            let d0 = c4 ^ rotl(c1, 1), d1 = c0 ^ rotl(c2, 1), d2 = c1 ^ rotl(c3, 1)
            let d3 = c2 ^ rotl(c4, 1), d4 = c3 ^ rotl(c0, 1)
            for y in stride(from: 0, to: 25, by: 5) {
                a[y] ^= d0; a[y + 1] ^= d1; a[y + 2] ^= d2; a[y + 3] ^= d3; a[y + 4] ^= d4
            }
            // ρ and π
            var current = a[1]
            for i in 0..<24 {
                let j = piLanes[i]
                let next = a[j]
                a[j] = rotl(current, rotations[i])
                current = next
            }
            // χ
            for y in stride(from: 0, to: 25, by: 5) {
                let b0 = a[y], b1 = a[y + 1], b2 = a[y + 2], b3 = a[y + 3], b4 = a[y + 4]
                a[y] = b0 ^ (~b1 & b2)
                a[y + 1] = b1 ^ (~b2 & b3)
                a[y + 2] = b2 ^ (~b3 & b4)
                a[y + 3] = b3 ^ (~b4 & b0)
                a[y + 4] = b4 ^ (~b0 & b1)
            }
            // ι
            a[0] ^= roundConstants[round]
        }
    }
}
