// SPDX-License-Identifier: Apache-2.0
import ChainCrypto
import Ethereum
import Testing

/// RLP and EIP-1559 transactions against published vectors: the RLP examples of the Ethereum
/// wiki, ethereumjs' `packages/tx/test/json/eip1559.json` (as restated by MEWwalletKit's
/// Eip1559TransactionTest) and MEWwalletKit's "real transaction" vector.
@Suite struct TransactionVectorTests {
    static func hex(_ s: String) -> [UInt8] { ChainHex.decode(s)! }

    @Test func rlpMatchesTheWikiExamples() {
        #expect(RLP.encode(.bytes(Array("dog".utf8))) == Self.hex("83646f67"))
        #expect(RLP.encode(.list([.bytes(Array("cat".utf8)), .bytes(Array("dog".utf8))])) == Self.hex("c88363617483646f67"))
        #expect(RLP.encode(.bytes([])) == [0x80])
        #expect(RLP.encode(.list([])) == [0xc0])
        #expect(RLP.encode(.uint(0)) == [0x80])
        #expect(RLP.encode(.bytes([0])) == [0x00])
        #expect(RLP.encode(.uint(15)) == [0x0f])
        #expect(RLP.encode(.uint(1024)) == Self.hex("820400"))
        #expect(RLP.encode(.list([.list([]), .list([.list([])]), .list([.list([]), .list([.list([])])])])) == Self.hex("c7c0c1c0c3c0c1c0"))
        let lorem = Array("Lorem ipsum dolor sit amet, consectetur adipisicing elit".utf8)
        #expect(RLP.encode(.bytes(lorem)) == [0xb8, 0x38] + lorem)
        #expect(RLP.encode(.bytes([UInt8](repeating: 7, count: 1024))).prefix(3) == [0xb9, 0x04, 0x00])
    }

    /// (nonce, value, maxPriorityFeePerGas, maxFeePerGas, gasLimit, signed raw transaction)
    static let ethereumjsVectors: [(UInt64, UInt64, UInt64, UInt64, UInt64, String)] = [
        (819, 43_203_529, 75_853, 121_212, 35_552, "02f870821e8e8203338301284d8301d97c828ae094000000000000000000000000000000000000aaaa8402933bc980c080a0d067f2167008c59219652f91cbf8788dbca5f771f6e91e2b7657e85b78b472e0a01d305af9fe81fdba43f0dfcd400ed24dcace0a7e30d4e85701dcaaf484cd079e"),
        (353, 61_901_619, 38_850, 136_295, 32_593, "02f86f821e8e8201618297c283021467827f5194000000000000000000000000000000000000aaaa8403b08b3380c001a004205678f13fc1d7b10feea6513dfa76e24418b6e08097d95c6f93a3b64e536da01d45ad61bfece43862de2cce7d2575a8c1d08c26c87f3cb5f26d7b0be54a91b2"),
        (985, 32_531_825, 66_377, 136_097, 68_541, "02f871821e8e8203d983010349830213a183010bbd94000000000000000000000000000000000000aaaa8401f0657180c001a0e6d23c5ecc0f388a4d41a9523c3ad171e98083a61288c340b968dfe0903a6741a07319e8d54a4fd8f0c081d3ce093d869f9df598481991c8534bfd8f2c163884b4"),
        (623, 21_649_799, 74_140, 81_173, 57_725, "02f870821e8e82026f8301219c83013d1582e17d94000000000000000000000000000000000000aaaa84014a598780c080a0b107893e4590e177e244493a3f2b59d63619ddd82772105d8c96b7fc85ff683da07dc9b9dc054d2f69f9cc540688f6c0da3b54dd8bd8323f06d0ca26b546a480f1"),
        (972, 94_563_383, 42_798, 103_466, 65_254, "02f86f821e8e8203cc82a72e8301942a82fee694000000000000000000000000000000000000aaaa8405a2ec3780c080a02596bfedd3101f7e3c881eec060f83c60617fb21173ff41a560e02c9c23f02f4a01ef1f7930d31081c06dfd2176046a99442a88678638a33eb80afa8d2d3389ee0"),
        (588, 99_359_647, 87_890, 130_273, 37_274, "02f870821e8e82024c830157528301fce182919a94000000000000000000000000000000000000aaaa8405ec1b9f80c001a0404a06f2a9ba9d444e59f03e1b4ce46c4d7127342aa287a6e9a910b26ff6cc89a04af28549efdfb3e746938d01c92785e9852eb58c48d6f35cc99961e88f56603a"),
        (900, 30_402_257, 8_714, 112_705, 76_053, "02f870821e8e82038482220a8301b8418301291594000000000000000000000000000000000000aaaa8401cfe6d180c080a06e1bc9e4645de8bdad2c60424539c2dd93aacbc06ae94e440629b133a99e9ba7a03d23fdfdd9934c77fe5385a6b4b6c69e84cdec7814a19d81e648b5852ee5f7eb"),
        (709, 6_478_043, 86_252, 94_636, 28_335, "02f86f821e8e8202c5830150ec830171ac826eaf94000000000000000000000000000000000000aaaa8362d8db80c001a09880d133cd636f8c8dce32e2c43494b9f2dc000eee8dc61931e09f866ed04b46a00e44d5c503c7f08b36c8b062c32a963f3dd20a71e95e3d903bfbe7f4da47cd47"),
        (939, 2_782_905, 45_216, 91_648, 45_047, "02f86e821e8e8203ab82b0a08301660082aff794000000000000000000000000000000000000aaaa832a76b980c001a0a0e7d9b07c7ec68f24788a554f993b99d59a3f08439cc6c942f62ea0341f2aeba078122b9957c146f7c87811bd58a7e9916ca8c07dabcf875b97bbdef79cb9c197"),
        (119, 65_456_115, 24_721, 107_729, 62_341, "02f86d821e8e778260918301a4d182f38594000000000000000000000000000000000000aaaa8403e6c7f380c001a0e38e239770801eb995498c821e55ac9c19ae09184bb27b34be105e02fe3b7615a067c64ca6bd6d9107e85fd581ab2e70a14b637eb36505bb40861ef9d6e800cab6"),
    ]

    @Test func signedTransactionsMatchTheEthereumjsVectorsByteForByte() throws {
        let key = try Secp256k1.PrivateKey(rawRepresentation: Self.hex("8f2a55949038a9610f50fb23b5883af3b4ecb3c3bb792cbcefbd1542c692be63"))
        for (nonce, value, tip, maxFee, gas, raw) in Self.ethereumjsVectors {
            let tx = EIP1559Transaction(
                chainID: 7822, nonce: nonce, maxPriorityFeePerGas: tip, maxFeePerGas: maxFee, gasLimit: gas,
                to: Self.hex("000000000000000000000000000000000000aaaa"), value: value, data: [])
            let signed = try tx.signed(with: key)
            #expect(ChainHex.encode(signed.raw, prefix: false) == raw, "nonce \(nonce)")
            #expect(try signed.sender() == EthereumAddress(publicKey: key.publicKey))
        }
        let first = try EIP1559Transaction(
            chainID: 7822, nonce: 819, maxPriorityFeePerGas: 75_853, maxFeePerGas: 121_212, gasLimit: 35_552,
            to: Self.hex("000000000000000000000000000000000000aaaa"), value: 43_203_529, data: []).signed(with: key)
        #expect(ChainHex.encode(first.hash) == "0xa3bf78ff247cad934aa5fb13e05f11e59c93511523ff8a622e59c3a34700e5c8")
    }

    @Test func aTransactionToItselfMatchesTheMEWRealTransactionVector() throws {
        let key = try Secp256k1.PrivateKey(rawRepresentation: Self.hex("e3046226c9d5f6b7fda49b00123fe96ab2fac359315f27169b5c984059b3540f"))
        let me = EthereumAddress(publicKey: key.publicKey)
        #expect(me.bytes == Self.hex("61fac28c810253ea3a42ebbb1a5cf8687765e4ee"))
        let signed = try EIP1559Transaction(
            chainID: 123, nonce: 0, maxPriorityFeePerGas: 7, maxFeePerGas: 7, gasLimit: 21_000, to: me.bytes,
            value: 0x0163_4578_5D8A_0000, data: []).signed(with: key)
        #expect(ChainHex.encode(signed.raw, prefix: false)
            == "02f86a7b8007078252089461fac28c810253ea3a42ebbb1a5cf8687765e4ee88016345785d8a000080c001a01f75fb4ae321bb55c0e7569d940ce133e775fb4494500ac6de9aeb16f45f20d1a05bf9b98c50422e3ada79a6920b1007bc36a1c36d178dbc1b44dfbd97fc56cf13")
        #expect(ChainHex.encode(signed.hash) == "0xbe76a9ae424fe7a42da7db0f42db0ced82929710d9c19cfdaa7e18c634e6ae54")
    }

    @Test func changingAnyFieldChangesTheSigningHash() throws {
        let base = EIP1559Transaction(chainID: 1, nonce: 5, maxPriorityFeePerGas: 2, maxFeePerGas: 30, gasLimit: 100_000, to: [UInt8](repeating: 1, count: 20), data: [1, 2, 3])
        var variants = [base]
        variants.append({ var t = base; t.chainID = 2; return t }())
        variants.append({ var t = base; t.nonce = 6; return t }())
        variants.append({ var t = base; t.maxPriorityFeePerGas = 3; return t }())
        variants.append({ var t = base; t.maxFeePerGas = 31; return t }())
        variants.append({ var t = base; t.gasLimit = 100_001; return t }())
        variants.append({ var t = base; t.to[19] = 2; return t }())
        variants.append({ var t = base; t.value = 1; return t }())
        variants.append({ var t = base; t.data = [1, 2, 4]; return t }())
        #expect(Set(variants.map(\.signingHash)).count == variants.count)
    }
}
