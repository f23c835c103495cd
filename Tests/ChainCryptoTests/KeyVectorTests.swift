// SPDX-License-Identifier: Apache-2.0
import ChainCrypto
import Testing

/// koinos.md §8.1 and §8.2 vectors.
struct KeyVectorTests {
    let secret = ChainHex.decode("bab7fd6e5bd624f4ea0c33f7e7219262a6fa93a945a8964d9f110148286b7b37")!

    @Test func seedDerivesTheKoilibKeyAndAddresses() throws {
        #expect(SHA256Digest.hash(Array("one two three four five six".utf8)) == secret)
        let key = try Secp256k1.PrivateKey(rawRepresentation: secret)
        #expect(ChainHex.encode(key.publicKey.compressed, prefix: false) == "032921dd54fdd8fb5d2ab1a9928db7e9e08b34f8711a3332e0f1b36e71076b9cf2")
        #expect(ChainHex.encode(key.publicKey.uncompressed.suffix(32), prefix: false) == "91e7c6dbcc8c0cf132db40d32722301b5244b1274dc16a5a54c3220b7def3423")
        let address = KoinosAddress(publicKey: key.publicKey)
        #expect(address.base58 == "1GE2JqXw5LMQaU1sj82Dy8ZEe2BRXQS1cs")
        #expect(ChainHex.encode(address.bytes, prefix: false) == "00a70062bf4e531669ded37037fa2d377defb998883c5a1138")
        #expect(WIF.encode(key, compressed: false) == "5KEX4TMHG66fT7cM9HMZLmdp4hVq4LC4X2Fkg6zeypM5UteWmtd")
        #expect(WIF.encode(key) == "L3UfgFJWmbVziGB1uZBjkG1UjKkF7hhpXWY7mbTUdmycmvXCVtiL")
    }

    @Test func wifVectorsFromKoinosUtil() throws {
        let foobar = try Secp256k1.PrivateKey(rawRepresentation: SHA256Digest.hash(Array("foobar".utf8)))
        #expect(WIF.encode(foobar, compressed: false) == "5KJTiKfLEzvFuowRMJqDZnSExxxwspVni1G4RcggoPtDqP5XgM1")
        let a = try #require(WIF.decode("5J1F7GHadZG3sCCKHCwg8Jvys9xUbFsjLnGec4H125Ny1V9nR6V"))
        #expect(ChainHex.encode(KoinosAddress(publicKey: a.publicKey).bytes, prefix: false) == "00f54a5851e9372b87810a8e60cdd2e7cfd80b6e31c7f18fe8")
        let b = try #require(WIF.decode("5JtU2c2MHKb8xSeNvsZJpxZRXeRg6iq6uwc6EUtDA9zsWM6B4c5"))
        #expect(WIF.encode(b) == "L1xAJ5axX33g7iBynn9bggE7GGBuaFdK6g1t6W52fQiRvQi73evQ")
        #expect(KoinosAddress(publicKey: b.publicKey).base58 == "13Sqw4TrwdZ8RZ9UVfqqA2i3mrbeumcWba")
        #expect(WIF.decode("5JtU2c2MHKb8xSeNvsZJpxZRXeRg6iq6uwc6EUtDA9zsWM6B4c6") == nil)
    }

    @Test func signsTheKoilibTransactionByteForByte() throws {
        let key = try Secp256k1.PrivateKey(rawRepresentation: secret)
        let digest = ChainHex.decode("463ac80ce9e3d146131c1dff5f2c408ad4a891decd1195986b553ae60a211a8d")!
        let signature = try KoinosSignature.sign(digest: digest, key: key)
        #expect(Base64URL.encode(signature) == "IJ00CbIANGwG_KvC0zBXWbc7umdsda9AWRlZgxr3CTyHHZPkCEOVlmlKp4sXuJ7aEsp0txhD5HR8P_qhNMFj6oU=")
        #expect(KoinosSignature.recoverAddress(digest: digest, signature: signature)?.base58 == "1GE2JqXw5LMQaU1sj82Dy8ZEe2BRXQS1cs")
    }

    @Test func highSAndBadHeadersAreRejected() throws {
        let key = try Secp256k1.PrivateKey(rawRepresentation: secret)
        let digest = SHA256Digest.hash(Array("x".utf8))
        var signature = try KoinosSignature.sign(digest: digest, key: key)
        #expect(KoinosSignature.parse(signature) != nil)
        // s' = n - s is the same signature in high-S form: must be refused.
        let n = ChainHex.decode("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")!
        var borrow = 0
        var flipped = [UInt8](repeating: 0, count: 32)
        for i in stride(from: 31, through: 0, by: -1) {
            let v = Int(n[i]) - Int(signature[33 + i]) - borrow
            flipped[i] = UInt8((v + 256) % 256)
            borrow = v < 0 ? 1 : 0
        }
        var highS = signature
        highS.replaceSubrange(33..<65, with: flipped)
        #expect(KoinosSignature.parse(highS) == nil)
        signature[0] = 27
        #expect(KoinosSignature.parse(signature) == nil)
        #expect(KoinosSignature.parse(Array(signature.prefix(64))) == nil)
    }

    @Test func ethereumAddressChecksums() throws {
        let key = try Secp256k1.PrivateKey(rawRepresentation: secret)
        let address = EthereumAddress(publicKey: key.publicKey)
        #expect(EthereumAddress(address.checksummed) == address)
        #expect(EthereumAddress("0x7EB00942c7387da2Be7d5a65B50d9B82c0Db4cfc")?.checksummed == "0x7EB00942c7387da2Be7d5a65B50d9B82c0Db4cfc")
        #expect(EthereumAddress("0x7eb00942c7387da2be7d5a65b50d9b82c0db4cfc") != nil)
        #expect(EthereumAddress("0x7EB00942c7387da2Be7d5a65B50d9B82c0Db4cfC") == nil)  // bad checksum
        #expect(EthereumAddress("0x7EB00942") == nil)
    }

    @Test func sodiumSealsAndRejectsTampering() throws {
        let key = Sodium.randomBytes(32), nonce = Sodium.randomBytes(24)
        var sealed = try Sodium.xchachaSeal(Array("secret".utf8), key: key, nonce: nonce)
        #expect(try Sodium.xchachaOpen(sealed, key: key, nonce: nonce) == Array("secret".utf8))
        sealed[0] ^= 1
        #expect(throws: Sodium.Error.authenticationFailed) { try Sodium.xchachaOpen(sealed, key: key, nonce: nonce) }
        let a = Sodium.randomBytes(32), b = Sodium.randomBytes(32)
        let shared1 = try Sodium.x25519(secret: a, peerPublicKey: Sodium.x25519PublicKey(secret: b))
        let shared2 = try Sodium.x25519(secret: b, peerPublicKey: Sodium.x25519PublicKey(secret: a))
        #expect(shared1 == shared2)
    }
}
