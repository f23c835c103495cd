// SPDX-License-Identifier: Apache-2.0
import ChainCrypto
import Koinos
import Testing

/// koinos.md §8.3 and §8.4: upstream ids and signatures.
struct UpstreamVectorTests {
    let key = try! Secp256k1.PrivateKey(rawRepresentation: SHA256Digest.hash(Array("one two three four five six".utf8)))
    var payer: [UInt8] { KoinosAddress(publicKey: key.publicKey).bytes }

    @Test func allFourOperationKindsGiveKoilibsRootAndID() throws {
        let contract = Array("contract_id".utf8)
        #expect(Base58.encode(contract) == "Rf8gGKq42QBxS3M")
        let ops: [KoinosOperation] = [
            .callContract(.init(contractID: contract, entryPoint: 12, args: Array("args".utf8))),
            .setSystemCall(.init(callID: 23, target: .thunkID(234))),
            .uploadContract(.init(contractID: contract, bytecode: Array("bytecode".utf8))),
            .setSystemContract(.init(contractID: contract, systemContract: true)),
        ]
        // The vector's nonce bytes are given literally ("OAg=", an older koilib value_type member).
        let header = KoinosTransactionHeader(
            chainID: Array("chain_id".utf8), rcLimit: 10, nonce: Base64URL.decode("OAg=")!,
            operationMerkleRoot: KoinosMultihash.operationMerkleRoot(ops), payer: payer)
        #expect(Base64URL.encode(header.operationMerkleRoot) == "EiCLbSkD-m07WGxcqG3rUiSfJgpxbIxRfOr3fCj2jMhL7A==")
        #expect(ChainHex.encode(header.transactionID) == "0x1220cf1268715e43392c70e7b0e8e8426ffa23424b50009a3a7c46fe7b5c5bc4bdc1")
    }

    @Test func rcLimitZeroVectorReproducesOnlyWithTheProtobufjsQuirk() throws {
        let koin = try #require(KoinosAddress("19JntSm8pSNETT9aHTwAUHC5RMoaSmgZPJ")).bytes
        let args = try #require(Base64URL.decode("ChkAOraorkYwQTkrfp9ViHFI2CJvmCQh2mz7EhkArriH22GZ1VJLkeJ-x4JUGF4zPAEZrNUiGMCEPQ=="))
        let op = KoinosOperation.callContract(.init(contractID: koin, entryPoint: 670_398_154, args: args))
        #expect(Base64URL.encode(KoinosMultihash.operationMerkleRoot([op])) == "EiCmVXWAuzW5xo1Pefx4256N_B_78cXvKwUxWFtKiY-PqQ==")
        var tx = KoinosTransaction.make(
            chainID: Base64URL.decode("EiDyWt8BeDCTvG3_2QLJWbDJOnHqIcV4Ssqp69aZJsqPpg==")!, rcLimit: 0, nonce: 0, payer: payer,
            operations: [op])
        // Standard proto3 omits rc_limit 0: this is the id the chain would compute.
        #expect(ChainHex.encode(tx.id) == "0x12209de75a5d75241140cc1058e788e5777b690df7b0fe32e1ace0e5a0a47999fd35")
        try tx.sign(with: key)
        #expect(Base64URL.encode(tx.signatures[0]) == "IOelI2xrFPYYqGdYJnSjabfE_5rPVtwOY2gP_ZRiJdIULBoNSOiYFBlxSDB4X-Ue9UDLFNtoFxF8I2yEQBWAHmY=")
        // protobufjs writes the explicit zero (`10 00`): the published id and signature come from that.
        var quirk = tx.header.encoded()
        let at = 2 + 34
        quirk.insert(contentsOf: [0x10, 0x00], at: at)
        let quirkDigest = SHA256Digest.hash(quirk)
        #expect(ChainHex.encode([0x12, 0x20] + quirkDigest) == "0x122001f48ea8313c9ecccf06f5f5bd8ed7f949f806f3fdddc322bdab643d2c66e58c")
        let sig = try KoinosSignature.sign(digest: quirkDigest, key: key)
        #expect(Base64URL.encode(sig) == "H47dht-BoxcLErCtQ8-6gXJ8HXVXwCpszvX4NbzGxJF8aa-qHN6SxE-iolOOTy-tE4C7K6826JOO6J5Z2mcn8p0=")
    }

    @Test func tangemKoinTransferIDsOnMainnetAndHarbinger() throws {
        let from = try #require(KoinosAddress("1AYz8RCnoafLnifMjJbgNb2aeW5CbZj8Tp"))
        let to = try #require(KoinosAddress("1AWFa3VVwa2C54EU18NUDDYxjsPDwxKAuB"))
        let args = KoinosTokenContract.transferArguments(from: from.bytes, to: to.bytes, value: 1_200_000_000)
        #expect(Base64URL.encode(args) == "ChkAaMW2_tO2QuoaSAiMXztphDRhY2m4f6efEhkAaEFbbHucCFnoEOh3RgGrOZ38TNTI9xMWGICYmrwE")
        let cases = [
            ("EiBZK_GGVP0H_fXVAM3j6EAuz3-B-l3ejxRSewi7qIBfSA==", "15DJN4a8SgrbGhhGksSBASiSYjGnMU8dGL",
             "EiBd86ETLP-Tmmq-Oj6wxfe1o2KzRGf_9LV-9O3_9Qmu8w==", "0x12201042aeee64fcc89921d0b5f9bdd6c9bff3e9c089d3579c74882fe0f018acd608"),
            ("EiBncD4pKRIQWco_WRqo5Q-xnXR7JuO3PtZv983mKdKHSQ==", "1FaSvLjQJsCJKq5ybmGsMMQs8RQYyVv8ju",
             "EiCjvMCnYVk5GqAaz7D2e8LCbaJ6448pJMXS4LI_EjtW4Q==", "0x1220f90ab33fcd0fa5896bb56352875eb49ac984cfd347467a50fe7a28686b11bb45"),
        ]
        for (chain, koin, root, id) in cases {
            let op = KoinosOperation.callContract(.init(contractID: try #require(KoinosAddress(koin)).bytes, entryPoint: 670_398_154, args: args))
            let tx = KoinosTransaction.make(
                chainID: try #require(Base64URL.decode(chain)), rcLimit: 500_000_000, nonce: 11, payer: from.bytes, operations: [op])
            #expect(Base64URL.encode(tx.header.nonce) == "KAs=")
            #expect(Base64URL.encode(tx.header.operationMerkleRoot) == root)
            #expect(ChainHex.encode(tx.id) == id)
        }
    }

    @Test func compactFormattingOfARawSignature() throws {
        let raw = ChainHex.decode("17a1eb1ceca3adb16b17aeb56df40512720b79aefce184c1626dd67e5ef1482373409f8f673157363b263c60b291aed8dabd30b6ebf1cd3e958eb814ac23fe94")!
        #expect(Base64URL.encode([31] + raw) == "Hxeh6xzso62xaxeutW30BRJyC3mu_OGEwWJt1n5e8Ugjc0Cfj2cxVzY7JjxgspGu2Nq9MLbr8c0-lY64FKwj_pQ=")
    }
}
