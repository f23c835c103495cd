// SPDX-License-Identifier: Apache-2.0
import ChainCrypto
import JSONRPC
import Koinos
import Testing

/// koinos.md §8.2: the full koilib transaction, byte for byte (operation, merkle root, header, id,
/// signature, complete transaction).
struct TransactionVectorTests {
    static let secret = ChainHex.decode("bab7fd6e5bd624f4ea0c33f7e7219262a6fa93a945a8964d9f110148286b7b37")!
    static let chainID = ChainHex.decode("12207e870e40068f845f2e9f18377522ade06c07a7c50e107bad2945b115315ad1f4")!
    static let operationHex =
        "125c0a19005b1e61d37259b9c2d99bf417f592e0b77725165d2488be4510caedd5bf021a390a190012397abeb979e55d8eca6febcec9ccc48a81a227bd3c798c1219004208d3d540026ad7456377b94119321bb380cf0702088ca518e807"
    static let headerHex =
        "0a2212207e870e40068f845f2e9f18377522ade06c07a7c50e107bad2945b115315ad1f41080e1eb171a022801222212200d0a8538a226e02fcb699dbb9767fd1a4f9334c8a34bbba170f452de0fda0e842a1900a70062bf4e531669ded37037fa2d377defb998883c5a1138"
    static let signatureHex =
        "209d3409b200346c06fcabc2d3305759b73bba676c75af40591959831af7093c871d93e408439596694aa78b17b89eda12ca74b71843e4747c3ffaa134c163ea85"

    static func transferOperation() throws -> KoinosOperation {
        let koin = try #require(KoinosAddress("19JntSm8pSNETT9aHTwAUHC5RMoaSmgZPJ"))
        let from = try #require(KoinosAddress("12fN2CQnuJM8cMnWZ1hPtM4knjLME8E4PD"))
        let to = try #require(KoinosAddress("172AB1FgCsYrRAW5cwQ8KjadgxofvgPFd6"))
        let args = KoinosTokenContract.transferArguments(from: from.bytes, to: to.bytes, value: 1000)
        #expect(Base64URL.encode(args) == "ChkAEjl6vrl55V2Oym_rzsnMxIqBoie9PHmMEhkAQgjT1UACatdFY3e5QRkyG7OAzwcCCIylGOgH")
        return .callContract(.init(contractID: koin.bytes, entryPoint: KoinosEntryPoint.tokenTransfer, args: args))
    }

    @Test func koilibTransactionReproducesEveryByte() throws {
        let key = try Secp256k1.PrivateKey(rawRepresentation: Self.secret)
        let payer = KoinosAddress(publicKey: key.publicKey)
        let op = try Self.transferOperation()
        #expect(ChainHex.encode(op.encoded(), prefix: false) == Self.operationHex)
        let root = KoinosMultihash.operationMerkleRoot([op])
        #expect(Base64URL.encode(root) == "EiANCoU4oibgL8tpnbuXZ_0aT5M0yKNLu6Fw9FLeD9oOhA==")

        var tx = KoinosTransaction.make(chainID: Self.chainID, rcLimit: 50_000_000, nonce: 1, payer: payer.bytes, operations: [op])
        #expect(Base64URL.encode(tx.header.nonce) == "KAE=")
        #expect(ChainHex.encode(tx.header.encoded(), prefix: false) == Self.headerHex)
        #expect(ChainHex.encode(tx.id) == "0x1220463ac80ce9e3d146131c1dff5f2c408ad4a891decd1195986b553ae60a211a8d")

        try tx.sign(with: key)
        #expect(ChainHex.encode(tx.signatures[0], prefix: false) == Self.signatureHex)
        #expect(Base64URL.encode(tx.signatures[0]) == "IJ00CbIANGwG_KvC0zBXWbc7umdsda9AWRlZgxr3CTyHHZPkCEOVlmlKp4sXuJ7aEsp0txhD5HR8P_qhNMFj6oU=")
        #expect(tx.signers() == [payer])

        let expected = "0a221220463ac80ce9e3d146131c1dff5f2c408ad4a891decd1195986b553ae60a211a8d126c" + Self.headerHex
            + "1a5e" + Self.operationHex + "2241" + Self.signatureHex
        #expect(ChainHex.encode(tx.encoded(), prefix: false) == expected)
    }

    @Test func transactionJSONUsesKoinosEncodings() throws {
        let key = try Secp256k1.PrivateKey(rawRepresentation: Self.secret)
        var tx = KoinosTransaction.make(
            chainID: Self.chainID, rcLimit: 50_000_000, nonce: 1, payer: KoinosAddress(publicKey: key.publicKey).bytes,
            operations: [try Self.transferOperation()])
        try tx.sign(with: key)
        let json = tx.json
        #expect(json["id"]?.stringValue == "0x1220463ac80ce9e3d146131c1dff5f2c408ad4a891decd1195986b553ae60a211a8d")
        #expect(json["header"]?["chain_id"]?.stringValue == "EiB-hw5ABo-EXy6fGDd1Iq3gbAenxQ4Qe60pRbEVMVrR9A==")
        #expect(json["header"]?["rc_limit"]?.stringValue == "50000000")
        #expect(json["header"]?["nonce"]?.stringValue == "KAE=")
        #expect(json["header"]?["operation_merkle_root"]?.stringValue == "EiANCoU4oibgL8tpnbuXZ_0aT5M0yKNLu6Fw9FLeD9oOhA==")
        #expect(json["header"]?["payer"]?.stringValue == "1GE2JqXw5LMQaU1sj82Dy8ZEe2BRXQS1cs")
        #expect(json["header"]?["payee"] == nil)
        let call = json["operations"]?.arrayValue?.first?["call_contract"]
        #expect(call?["contract_id"]?.stringValue == "19JntSm8pSNETT9aHTwAUHC5RMoaSmgZPJ")
        #expect(call?["entry_point"] == .int(670_398_154))
        #expect(call?["args"]?.stringValue == "ChkAEjl6vrl55V2Oym_rzsnMxIqBoie9PHmMEhkAQgjT1UACatdFY3e5QRkyG7OAzwcCCIylGOgH")
        #expect(json["signatures"]?.arrayValue?.first?.stringValue
            == "IJ00CbIANGwG_KvC0zBXWbc7umdsda9AWRlZgxr3CTyHHZPkCEOVlmlKp4sXuJ7aEsp0txhD5HR8P_qhNMFj6oU=")
    }

    @Test func nonceEncodingsFollowValueType() throws {
        #expect(Base64URL.encode(KoinosNonce.encode(0)) == "KAA=")
        #expect(Base64URL.encode(KoinosNonce.encode(1)) == "KAE=")
        #expect(Base64URL.encode(KoinosNonce.encode(11)) == "KAs=")
        #expect(Base64URL.encode(KoinosNonce.encode(300)) == "KKwC")
        #expect(try KoinosNonce.decode(Base64URL.decode("KKwC")!) == 300)
        #expect(try KoinosNonce.decode([]) == 0)
        #expect(throws: KoinosProtoError.self) { try KoinosNonce.decode([0x28]) }
        #expect(throws: KoinosProtoError.self) { try KoinosNonce.decode([0x08, 0x01]) }
    }

    @Test func emptyOperationListHasTheSha256OfNothingAsRoot() {
        #expect(Base64URL.encode(KoinosMultihash.operationMerkleRoot([])) == "EiDjsMRCmPwcFJr79MiZb7kkJ65B5GSbk0yklZkbeFK4VQ==")
    }

    @Test func merkleRootCarriesAnOddLeafUp() {
        let leaves = (0..<3).map { SHA256Digest.hash([UInt8($0)]) }
        let expected = SHA256Digest.hash(SHA256Digest.hash(leaves[0] + leaves[1]) + leaves[2])
        #expect(KoinosMultihash.merkleRoot(leaves: leaves) == [0x12, 0x20] + expected)
    }
}
