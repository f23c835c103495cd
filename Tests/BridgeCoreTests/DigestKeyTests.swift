// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import Testing

/// The fixed-size digest key and the observation id's hashing: equal exactly when the bytes are,
/// ordered like the bytes, and usable for any length.
struct DigestKeyTests {
    /// Deterministic bytes (a 64-bit LCG's high bits).
    static func randomBytes(_ count: Int, _ state: inout UInt64) -> [UInt8] {
        (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
    }

    @Test func keysAreEqualAndOrderedExactlyLikeTheirBytes() {
        var random: UInt64 = 7
        var digests = (0..<200).map { _ in Self.randomBytes(32, &random) }
        // Neighbours that differ in one late byte, and lengths other than 32.
        digests.append(digests[0].enumerated().map { $0.offset == 31 ? $0.element ^ 1 : $0.element })
        digests += [[], [1, 2, 3], digests[1] + [0], Array(digests[2].prefix(31)), [UInt8](repeating: 0, count: 32), [UInt8](repeating: 0, count: 33)]
        var mismatches: [String] = []
        for a in digests {
            if DigestKey(a).bytes != a { mismatches.append("bytes of \(a)") }
            for b in digests {
                if (DigestKey(a) == DigestKey(b)) != (a == b) { mismatches.append("== \(a) \(b)") }
                if (DigestKey(a) < DigestKey(b)) != a.lexicographicallyPrecedes(b) { mismatches.append("< \(a) \(b)") }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(3))")
        #expect(digests.map(DigestKey.init).sorted().map(\.bytes) == digests.sorted { $0.lexicographicallyPrecedes($1) })
        #expect(Set(digests.map(DigestKey.init)).count == Set(digests).count)
    }

    @Test func observationIDsHashAlikeWhenEqual() {
        let hash = [UInt8](repeating: 0xab, count: 32)
        let a = ObservationID(chainID: 1, transactionHash: hash, logIndex: 2)
        let same = ObservationID(chainID: 1, transactionHash: Array(hash), logIndex: 2)
        #expect(a == same && a.hashValue == same.hashValue)
        let others = [
            ObservationID(chainID: 2, transactionHash: hash, logIndex: 2), ObservationID(chainID: 1, transactionHash: hash, logIndex: 3),
            ObservationID(chainID: 1, transactionHash: Array(hash.dropLast()) + [0xac], logIndex: 2),
        ]
        #expect(Set(others + [a, same]).count == 4)
    }
}
