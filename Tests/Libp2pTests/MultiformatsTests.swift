// SPDX-License-Identifier: Apache-2.0
import ChainCrypto
@testable import Multiformats
import NIOCore
import NIOTestUtils
import Primitives
import Testing

@Suite struct MultiformatsTests {
    @Test func uvarintRoundTripsAndRejectsOverlong() throws {
        for value: UInt64 in [0, 1, 127, 128, 300, 16_383, 16_384, 1 << 35, (1 << 63) - 1] {
            let encoded = UVarint.encode(value)
            let decoded = try #require(try UVarint.decode(encoded))
            #expect(decoded.value == value)
            #expect(decoded.length == encoded.count)
            var buffer = ByteBuffer(bytes: encoded)
            #expect(try buffer.readUVarint() == value)
        }
        #expect(UVarint.encode(300) == [0xac, 0x02])
        #expect(try UVarint.decode([0x80]) == nil)  // incomplete
        #expect(throws: MultiformatsError.self) { try UVarint.decode([0x80, 0x00]) }  // not minimal
        #expect(throws: MultiformatsError.self) { try UVarint.decode([UInt8](repeating: 0xff, count: 10)) }
        var partial = ByteBuffer(bytes: [0x80])
        #expect(try partial.readUVarint() == nil)
        #expect(partial.readableBytes == 1)
    }

    @Test func uvarintLengthPrefixedDecoderVerifier() throws {
        struct Decoder: NIOSingleStepByteToMessageDecoder {
            typealias InboundOut = ByteBuffer
            mutating func decode(buffer: inout ByteBuffer) throws -> ByteBuffer? { buffer.readLengthPrefixedSlice(strategy: UVarint()) }
            mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> ByteBuffer? { try decode(buffer: &buffer) }
        }
        // NIO's verifier feeds every split of the input, quadratic in its size: a 20,000-byte message
        // took 6 s of one cooperative thread alone (as `NoiseTests.frameDecoderVerifier` found). The
        // three-byte prefix is checked below without the verifier.
        let pairs = [0, 1, 127, 128, 300].map { size -> (ByteBuffer, [ByteBuffer]) in
            let message = ByteBuffer(bytes: [UInt8](repeating: 3, count: size))
            var buffer = ByteBuffer()
            buffer.writeLengthPrefixedBuffer(message, strategy: UVarint())
            return (buffer, [message])
        }
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) { Decoder() }
    }

    /// A 20,000-byte message (a three-byte uvarint prefix) arriving in pieces: nothing until the last byte, then all of it.
    @Test func uvarintThreeBytePrefixDecodesOnlyWhenComplete() {
        let message = [UInt8](repeating: 3, count: 20_000)
        var whole = ByteBuffer()
        whole.writeLengthPrefixedBuffer(ByteBuffer(bytes: message), strategy: UVarint())
        let bytes = Array(whole.readableBytesView)
        #expect(bytes.prefix(3) == [0xa0, 0x9c, 0x01])
        var buffer = ByteBuffer()
        for cut in [1, 2, 3, 4, 10_000, bytes.count - 1] {
            buffer.writeBytes(bytes[buffer.writerIndex..<cut])
            #expect(buffer.readLengthPrefixedSlice(strategy: UVarint()) == nil, "decoded after \(cut) bytes")
            #expect(buffer.readerIndex == 0, "a short read consumed bytes")
        }
        buffer.writeBytes(bytes[buffer.writerIndex...])
        #expect(buffer.readLengthPrefixedSlice(strategy: UVarint()).map { Array($0.readableBytesView) } == message)
        #expect(buffer.readableBytes == 0)
    }

    @Test func uvarintLengthPrefixStrategy() {
        var buffer = ByteBuffer()
        buffer.writeLengthPrefixedBuffer(ByteBuffer(bytes: [UInt8](repeating: 7, count: 200)), strategy: UVarint())
        #expect(buffer.getBytes(at: 0, length: 2) == [0xc8, 0x01])
        let slice = buffer.readLengthPrefixedSlice(strategy: UVarint())
        #expect(slice?.readableBytes == 200)
    }

    @Test(arguments: [
        ("080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e", "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq"),
        ("08021221037777e994e452c21604f91de093ce415f5432f701dd8cd1a7a6fea0e630bfca99", "16Uiu2HAmLhLvBoYaoZfaMUKuibM6ac163GwKY74c5kiSLg5KvLpY"),
        ("0803125b3059301306072a8648ce3d020106082a8648ce3d03010703420004de3d300fa36ae0e8f5d530899d83abab44abf3161f162a4bc901d8e6ecda020e8b6d5f8da30525e71d6851510c098e5c47c646a597fb4dcec034e9f77c409e62", "QmVMT29id3TUASyfZZ6k9hmNyc2nYabCo4uMSpDw4zrgDk"),
    ])
    func peerIDSpecVectors(keyHex: String, expected: String) throws {
        let key = try Libp2pPublicKey(protobufEncoded: Hex.decode(keyHex))
        #expect(key.protobufEncoded == Hex.decode(keyHex))
        #expect(key.peerID.description == expected)
        #expect(PeerID(expected) == key.peerID)
        if key.type != .ecdsaP256 { #expect(key.peerID.extractPublicKey() == key) } else { #expect(key.peerID.extractPublicKey() == nil) }
    }

    @Test(arguments: [
        ("producer", "73c7d460a6d52d8ca9beb92a5c7d1f763b7a8fa8a156ef0bfe4a8805325d309b", "QmRT2UJ9uPqmcjCWoxgFZU3AsaMaMqmJ3DaEHeWZFLJp9L"),
        ("bucket1", "ca0ee744f06de59993cbd85ace1e5675d22200a3cd031c9037b2e72c83e9ba30", "QmcWYgujghF1oJhisxSTGYNjzPGVtejEL8XU41AqmEJsRB"),
        ("test1", "ae047ead8fdcb2cdd8dc22cf3a4897b8cd4425b35600cf07be25c44833174b29", "QmT63MncPi6XGfKPmLRtcr6Mk8zvjBRweczJ544SB47uCi"),
    ])
    func koinosSeedDerivation(seed: String, privateHex: String, peerID: String) throws {
        let key = Libp2pPrivateKey.koinosSeeded(seed)
        let imported = try Libp2pPrivateKey(type: .ecdsaP256, rawScalar: Hex.decode(privateHex))
        #expect(key.publicKey == imported.publicKey)
        #expect(key.peerID.description == peerID)
        #expect(key.publicKey.protobufEncoded.count == 95)
    }

    @Test func goRandCookedTableMatchesGo() {
        // First entries of Go's published rngCooked table (math/rand/rng.go).
        #expect(Int64(bitPattern: GoMathRandSource.cooked[0]) == -4_181_792_142_133_755_926)
        #expect(String(Int64(bitPattern: GoMathRandSource.cooked[1])).hasPrefix("-45769829501"))
    }

    @Test(arguments: [Libp2pKeyType.ed25519, .secp256k1, .ecdsaP256])
    func keysSignVerifyAndRoundTrip(type: Libp2pKeyType) throws {
        let key = Libp2pPrivateKey.generate(type)
        let message = Array("noise-libp2p-static-key:".utf8) + [UInt8](repeating: 9, count: 32)
        let signature = try key.sign(message)
        #expect(key.publicKey.verify(signature: signature, data: message))
        #expect(!key.publicKey.verify(signature: signature, data: message + [0]))
        var tampered = signature
        tampered[tampered.count - 1] ^= 1
        #expect(!key.publicKey.verify(signature: tampered, data: message))
        let decoded = try Libp2pPrivateKey(protobufEncoded: key.protobufEncoded)
        #expect(decoded.publicKey == key.publicKey)
        #expect(try Libp2pPublicKey(protobufEncoded: key.publicKey.protobufEncoded) == key.publicKey)
        let prefix = switch type { case .ed25519: "12D3KooW"; case .secp256k1: "16Uiu2HA"; default: "Qm" }
        #expect(key.peerID.description.hasPrefix(prefix))
        if type == .secp256k1, let compact = Secp256k1.derDecode(signature) {
            #expect(Secp256k1.isLowS(compact.suffix(32)))
        }
    }

    @Test func multiaddrTextAndBinary() throws {
        let text = "/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq"
        let address = try Multiaddr(text)
        #expect(address.description == text)
        #expect(Hex.encode(Array(address.bytes.prefix(12))) == "047f000001060fa1a5032600")
        #expect(try Multiaddr(bytes: address.bytes) == address)
        #expect(address.peerID?.description == "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq")
        #expect(address.hostAndPort?.host == "127.0.0.1")
        #expect(address.withoutPeerID().description == "/ip4/127.0.0.1/tcp/4001")
        for sample in ["/ip6/::1/tcp/1", "/ip6/2001:db8::8:800:200c:417a/tcp/80", "/dns4/seed.koinosblocks.com/tcp/8888", "/dns/x/tcp/1", "/dns6/y/tcp/2"] {
            let parsed = try Multiaddr(sample)
            #expect(parsed.description == sample)
            #expect(try Multiaddr(bytes: parsed.bytes) == parsed)
        }
        for bad in ["", "ip4/1.2.3.4", "/ip4/1.2.3", "/ip4/1.2.3.4/tcp/70000", "/udp/1", "/ip6/1::2::3", "/p2p/notbase58!"] {
            #expect(throws: MultiformatsError.self) { try Multiaddr(bad) }
        }
    }

    @Test func protobufReaderSkipsUnknownFields() throws {
        var writer = ProtobufWriter(defaultValues: .written)
        writer.uint64(1, 3)
        writer.bytes(9, [1, 2, 3])
        writer.string(2, "hi")
        var reader = ProtobufReader(writer.bytes)
        var seen: [UInt32] = []
        while let (field, _) = try reader.next() { seen.append(field) }
        #expect(seen == [1, 9, 2])
        var truncated = ProtobufReader([0x12, 0x05, 0x01])
        #expect(throws: ProtobufDecodingError.truncated) { try truncated.next() }
        // The key decoder keeps its own error for the same bytes.
        #expect(throws: MultiformatsError.malformedProtobuf("truncated")) { try Libp2pPublicKey(protobufEncoded: [0x12, 0x05, 0x01]) }
    }

    /// Protobuf varints take 10 bytes for a negative int32 or a value ≥ 2⁶³; the reader used the
    /// multiformats 9-byte cap and refused them. Varints in multiaddrs/multihashes keep that cap.
    @Test func protobufReaderAcceptsTenByteVarints() throws {
        var writer = ProtobufWriter(defaultValues: .written)
        writer.int32(1, -1)
        writer.uint64(2, UInt64.max)
        writer.uint64(3, 1 << 63)
        #expect(writer.bytes.count == 3 * 11)
        var reader = ProtobufReader(writer.bytes)
        var values: [UInt32: UInt64] = [:]
        while let (field, value) = try reader.next() { values[field] = try value.requireVarint() }
        #expect(values == [1: UInt64.max, 2: UInt64.max, 3: 1 << 63])
        // An eleventh byte, or a tenth carrying bits above bit 63, is still malformed.
        var tooLong = ProtobufReader([0x08] + [UInt8](repeating: 0xff, count: 10) + [0x01])
        #expect(throws: ProtobufDecodingError.varintOverflow) { try tooLong.next() }
        var overflow = ProtobufReader([0x08] + [UInt8](repeating: 0xff, count: 9) + [0x02])
        #expect(throws: ProtobufDecodingError.varintOverflow) { try overflow.next() }
        #expect(throws: MultiformatsError.malformedVarint) { try Libp2pPublicKey(protobufEncoded: [0x08] + [UInt8](repeating: 0xff, count: 9) + [0x02]) }
        #expect(throws: MultiformatsError.malformedVarint) { try UVarint.decode(Varint.encode(UInt64.max)) }
    }
}

/// Hex of test vectors (no `0x`), through the one codec; a malformed vector stops the test run.
enum Hex {
    static func decode(_ text: String) -> [UInt8] {
        guard let bytes = HexCodec.decode(text) else { preconditionFailure("malformed hex test vector \(text)") }
        return bytes
    }

    static func encode(_ bytes: [UInt8]) -> String { HexCodec.encode(bytes, prefix: false) }
}
