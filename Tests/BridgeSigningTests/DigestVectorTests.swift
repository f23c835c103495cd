// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeSigning
import ChainCrypto
import Testing

/// bridge-contracts.md §2.8 vectors A–F. A and B carry real signatures from the deployed systems.
struct DigestVectorTests {
    private func koinos(_ text: String) -> [UInt8] { KoinosAddress(text)!.bytes }
    private func eth(_ text: String) -> [UInt8] { EthereumAddress(text)!.bytes }
    private func hex(_ text: String) -> [UInt8] { ChainHex.decode(text)! }

    @Test func vectorA_ethereumV1RealSignaturesRecover() {
        let message = EthereumTransferMessage(
            profile: .v1, koinosTransactionID: hex("0x122042620de9aee17c93512c0acc98e3248cb88524998df5f95eaad65bf3ddbe9070"),
            operationID: 3, token: eth("0xeA756978B2D8754b0f92CAc325880aa13AF38f88"),
            recipient: eth("0x3D7D98070a3B5762fF4ed30Afc58F8f0000bE3b3"), value: 1,
            bridge: eth("0x47940D3089Da6DC306678109c834718AEF23A201"), expiration: 1_668_465_758_850)
        #expect(message.packed().count == 222)
        #expect(ChainHex.encode(message.packedHash, prefix: false) == "fc2e3d5d11e72f2c6583e3edd7bb3315fab6888f78a5898fa05f01c95ffa3dec")
        #expect(ChainHex.encode(message.digest, prefix: false) == "110b97b11a01a4071d4e4121ed110c145aeb76cfdba36550962d418dbea53fbf")
    }

    @Test func vectorB_koinosV1ProtoBytesAndDigest() {
        let message = KoinosTransferMessage(
            profile: .v1, transactionID: hex("0xeaf75ff289091a5df0215c47e383106c16439c9b5520de396c1b7c7e93f13ad1"),
            token: koinos("1KazZFUnZSLjeXq2QrifdnYqiBvA7RVF3G"), recipient: koinos("1Bf5W4LZ2FTmzPcA6d8QeLgAYmCKdZp2nN"),
            amount: 1, contractID: koinos("17XHjr7n2E4auykiHkfJMLGGovvaCadtQS"), expiration: 1_668_465_588_000)
        #expect(ChainHex.encode(message.encoded(), prefix: false) == "08081220eaf75ff289091a5df0215c47e383106c16439c9b5520de396c1b7c7e93f13ad11a1900cbe00944654e381914b25512b00c0e2edbd241cf6f27f0db22190074e4d255febea7d2dbc1d8c3bbe0ecdb84b6806bdc8b13432801321900478b34d37728ebb7fd4345f032356eb0d8c172868227cdcb38a0eeb1c2c730")
        #expect(ChainHex.encode(message.digest, prefix: false) == "bb50c9f36c6ce60191f005304dbfb1e7ed4f867d7f7375945ea9ff136adcad85")
    }

    @Test func vectorC_ethereumV2() {
        let message = EthereumTransferMessage(
            profile: .v2, koinosTransactionID: [0x12, 0x20] + [UInt8](repeating: 0x11, count: 32), operationID: 2,
            token: [UInt8](repeating: 0x22, count: 20), relayer: [UInt8](repeating: 0x33, count: 20),
            recipient: [UInt8](repeating: 0x44, count: 20), value: 100_000_000, payment: 1000, metadata: "hello",
            bridge: [UInt8](repeating: 0x55, count: 20), expiration: 1_700_000_000_000, chainID: 1)
        #expect(message.packed().count == 283)
        #expect(ChainHex.encode(message.packedHash, prefix: false) == "d112558c908dd9b4c0c1f85c924b69b43e4a99a3c9ed62fdcf602dd070ed30f0")
        #expect(ChainHex.encode(message.digest, prefix: false) == "a94e072fa0f35c07166a4efc4784ae7d066b96aa7b680b8f37b2a75aa887e0b8")
    }

    @Test func vectorD_koinosV2OmitsDefaults() {
        let message = KoinosTransferMessage(
            profile: .v2, transactionID: [UInt8](repeating: 0x66, count: 32), token: koinos("1FaSvLjQJsCJKq5ybmGsMMQs8RQYyVv8ju"),
            recipient: koinos("1NyaTjhcDQEZMGWSSmhEXZoP3G9NSQ7SZN"), relayer: [], amount: 100_000_000, payment: 0, metadata: "",
            contractID: koinos("1Fp3iNkmGKMPVdTpC7i3rttBBXVi7CDoX7"), expiration: 1_700_000_000_000, chain: 1)
        #expect(ChainHex.encode(message.digest, prefix: false) == "96902ed5297ccd4492cf11985b758cd7440a935f16efdd5b0ef9b0fd4c22342d")
        let tags = Set(message.encoded().enumerated().compactMap { [0x2a, 0x38, 0x42].contains($0.element) ? $0.offset : nil })
        #expect(message.encoded().first == 0x08 && !tags.contains(2))
    }

    @Test func vectorE_koinosV1AddValidator() {
        let message = AdminActionMessage(
            profile: .v1, action: .addValidator, target: .address(koinos("1NyaTjhcDQEZMGWSSmhEXZoP3G9NSQ7SZN")), nonce: 1,
            contract: koinos("1Fp3iNkmGKMPVdTpC7i3rttBBXVi7CDoX7"), expiration: 1_700_000_000_000)
        #expect(ChainHex.encode(message.koinosDigest, prefix: false) == "bb1d6b5c141b05148784743855406ce5f38b23c434ba1b9734a97fc20867887b")
    }

    @Test func vectorF_ethereumV1AddValidator() {
        let message = AdminActionMessage(
            profile: .v1, action: .addValidator, target: .address(eth("0x7EB00942c7387da2Be7d5a65B50d9B82c0Db4cfc")), nonce: 1,
            contract: [UInt8](repeating: 0x55, count: 20), expiration: 1_700_000_000_000)
        #expect(ChainHex.encode(message.ethereumPackedHash, prefix: false) == "df058b8ccc97fc417d4458f75072ea39c6151783d1e51a48ae6240435986633d")
        #expect(ChainHex.encode(message.ethereumDigest, prefix: false) == "6160b1f0243e91efad7821575728a3b9912b3b92184c339f9ddb26d71708b899")
    }

    @Test func signerAndVerifierRoundTrip() throws {
        let signer = Secp256k1AttestationSigner(key: .generate())
        let digest = SHA256Digest.hash(Array("observation".utf8))
        let signature = try signer.signKoinos(digest: digest)
        #expect(Secp256k1SignatureVerifier().recoverKoinosAddress(digest: digest, signature: signature) == signer.validatorAddress)
        var forged = signature
        forged[10] ^= 0x40
        #expect(Secp256k1SignatureVerifier().recoverKoinosAddress(digest: digest, signature: forged) != signer.validatorAddress)
    }
}
