// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import Testing

/// Moving a stored Koinos message's expiration at byte level gives exactly what `encoded()` gives
/// for the same message with the new expiration (so the digest is the one every validator computes).
@Suite struct KoinosTransferMessageExpirationTests {
    static func message(_ profile: ContractProfile, expiration: UInt64, chain: UInt32 = 0) -> KoinosTransferMessage {
        KoinosTransferMessage(
            profile: profile, transactionID: [UInt8](repeating: 0xab, count: 32), token: [0] + [UInt8](repeating: 7, count: 24),
            recipient: [0] + [UInt8](repeating: 9, count: 24), relayer: profile == .v2 ? [0] + [UInt8](repeating: 5, count: 24) : [],
            amount: 123_456_789, payment: profile == .v2 ? 10 : 0, metadata: profile == .v2 ? "memo" : "",
            contractID: [0] + [UInt8](repeating: 3, count: 24), expiration: expiration, chain: chain)
    }

    @Test(arguments: [ContractProfile.v1, .v2])
    func reexpiredBytesEqualTheEncodingWithTheNewExpiration(profile: ContractProfile) {
        // Varint lengths change (1 byte → 6 bytes → 10 bytes), and v2 with and without a chain after it.
        for (old, new) in [(UInt64(1), UInt64(1_765_000_000_000)), (1_765_000_000_000, 1_765_086_400_000), (1_765_000_000_000, UInt64.max), (300, 2)] {
            for chain: UInt32 in [0, 7] {
                let stored = Self.message(profile, expiration: old, chain: chain)
                var expected = stored
                expected.expiration = new
                #expect(KoinosTransferMessage.expiration(ofEncoded: stored.encoded(), profile: profile) == old)
                #expect(KoinosTransferMessage.reexpired(stored.encoded(), profile: profile, expiration: new) == expected.encoded())
            }
        }
    }

    @Test func malformedOrForeignBytesAreNotMoved() {
        let v1 = Self.message(.v1, expiration: 1_000).encoded()
        #expect(KoinosTransferMessage.reexpired(v1, profile: .v1, expiration: 0) == nil, "expiration 0 is omitted, never stored")
        #expect(KoinosTransferMessage.reexpired(Array(v1.dropLast()), profile: .v1, expiration: 5) == nil, "truncated varint")
        #expect(KoinosTransferMessage.reexpired(v1 + [0x38, 0x01], profile: .v1, expiration: 5) == nil, "two expiration fields")
        #expect(KoinosTransferMessage.reexpired(Array(v1.prefix(20)), profile: .v1, expiration: 5) == nil, "truncated bytes field")
        #expect(KoinosTransferMessage.reexpired(v1 + [0x0d, 1, 2, 3, 4], profile: .v1, expiration: 5) == nil, "fixed32: not a contract layout")
        // A v1 message read as v2 has no field 10.
        #expect(KoinosTransferMessage.expiration(ofEncoded: v1, profile: .v2) == nil)
        #expect(KoinosTransferMessage.reexpired([], profile: .v2, expiration: 5) == nil)
    }
}
