// SPDX-License-Identifier: Apache-2.0
import ChainCrypto
import Testing

struct HashTests {
    @Test func keccakMatchesKnownDigests() {
        #expect(ChainHex.encode(Keccak256.hash([UInt8]()), prefix: false) == "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")
        #expect(ChainHex.encode(Keccak256.hash(Array("abc".utf8)), prefix: false) == "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45")
        // Event topic of the v2 lock event (bridge-contracts.md §3.2).
        let topic = Keccak256.hash(Array("TokensLockedEvent(address,address,uint256,uint256,string,string,string,uint256,uint32)".utf8))
        #expect(ChainHex.encode(topic) == "0x1581ca8f4b4c1e564c6fba30d5d197d6d21974b35147c5e3c896b94b3c9bd126")
    }

    @Test func keccakStreamingEqualsOneShotAcrossBlockBoundaries() {
        var rng = SystemRandomNumberGenerator()
        for length in [0, 1, 135, 136, 137, 271, 272, 273, 1000] {
            let data = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            var k = Keccak256()
            var offset = 0
            while offset < data.count {
                let step = min(data.count - offset, Int.random(in: 1...50, using: &rng))
                k.update(data[offset..<(offset + step)])
                offset += step
            }
            #expect(k.finalize() == Keccak256.hash(data), "length \(length)")
        }
    }

    @Test func ripemd160MatchesReferenceVectors() {
        #expect(ChainHex.encode(RIPEMD160.hash([]), prefix: false) == "9c1185a5c5e9fc54612808977ee8f548b2258d31")
        #expect(ChainHex.encode(RIPEMD160.hash(Array("abc".utf8)), prefix: false) == "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc")
        let long = Array("12345678901234567890123456789012345678901234567890123456789012345678901234567890".utf8)
        #expect(ChainHex.encode(RIPEMD160.hash(long), prefix: false) == "9b752e45573d4b39f4dbd3323cab82bf63326bfb")
    }

    @Test func base58RoundTripsAndRejectsBadInput() {
        let bytes: [UInt8] = [0, 0, 1, 2, 3, 255, 128]
        #expect(Base58.decode(Base58.encode(bytes)) == bytes)
        #expect(Base58.decode("0OIl") == nil)
        #expect(Base58.decodeCheck("1GE2JqXw5LMQaU1sj82Dy8ZEe2BRXQS1ct") == nil)  // last char changed
    }

    @Test func base64URLRoundTrips() {
        for n in 0..<40 {
            let bytes = (0..<n).map { UInt8(truncatingIfNeeded: $0 * 37 + 11) }
            #expect(Base64URL.decode(Base64URL.encode(bytes)) == bytes)
        }
        #expect(Base64URL.encode([0x28, 0x01]) == "KAE=")
        #expect(Base64URL.decode("K@E=") == nil)
    }
}
