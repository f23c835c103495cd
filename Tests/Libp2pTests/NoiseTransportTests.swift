// SPDX-License-Identifier: Apache-2.0
import Libp2pNoise
import Multiformats
import NIOCore
import Testing

/// The transport's copy-free paths give the same bytes as the plain ones.
@Suite struct NoiseTransportTests {
    static func pair() throws -> (NoiseTransport, NoiseTransport) {
        let (initiator, responder, _) = try NoiseTests.handshake(initiatorKey: .generate(.ed25519), responderKey: .generate(.ed25519))
        return (NoiseTransport(result: initiator), NoiseTransport(result: responder))
    }

    @Test func piecesSealToTheSameFramesAsTheirConcatenation() throws {
        let (sender, _) = try Self.pair()
        let message = ByteBuffer(bytes: (0..<150_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        for cuts in [[12], [1, 2, 3], [65_519], [65_507, 65_519, 65_531], [70_000, 140_000], [0, 0, 149_999]] {
            var whole = sender
            var pieced = sender
            var expected = ByteBuffer()
            try whole.seal(message, into: &expected)
            var pieces: [ByteBuffer] = []
            var bounds = [0] + cuts + [message.readableBytes]
            bounds.sort()
            for (start, end) in zip(bounds, bounds.dropFirst()) { pieces.append(message.getSlice(at: start, length: end - start)!) }
            var output = ByteBuffer()
            try pieced.seal(pieces: pieces, into: &output)
            #expect(output == expected, "cut at \(cuts)")
        }
    }

    @Test func framesSplitAtAnyPointOpenToTheSamePlaintext() throws {
        let (initialSender, receiverTemplate) = try Self.pair()
        var sender = initialSender
        var wire = ByteBuffer()
        let first = ByteBuffer(bytes: (0..<70_000).map { UInt8(truncatingIfNeeded: $0) })
        try sender.seal(first, into: &wire)
        try sender.seal(ByteBuffer(string: "second"), into: &wire)
        let total = wire.readableBytes
        for cut in [0, 1, 2, 3, 100, 65_536, 65_537, 65_538, 65_539, total - 25, total - 1, total] {
            var receiver = receiverTemplate
            var head = wire.getSlice(at: wire.readerIndex, length: cut)!
            var tail = wire.getSlice(at: wire.readerIndex + cut, length: total - cut)!
            var opened = try receiver.openFrames(&head)
            opened += try receiver.openFrames(&tail)
            var all = ByteBuffer()
            for var frame in opened { all.writeBuffer(&frame) }
            var expected = first
            expected.writeString("second")
            #expect(all == expected, "cut at \(cut)")
            #expect(head.readableBytes == 0 && tail.readableBytes == 0)
        }
    }

    /// libsodium and swift-crypto (BoringSSL) write the same frames and open each other's.
    @Test(arguments: [NoiseCipherState.Implementation.libsodium, .swiftCrypto])
    func bothCipherImplementationsAgreeByteForByte(receiving: NoiseCipherState.Implementation) throws {
        let (initiator, responder, _) = try NoiseTests.handshake(initiatorKey: .generate(.ed25519), responderKey: .generate(.ed25519))
        var sodium = NoiseTransport(result: initiator, cipher: .libsodium)
        var boring = NoiseTransport(result: initiator, cipher: .swiftCrypto)
        let message = ByteBuffer(bytes: (0..<150_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        let pieces = [message.getSlice(at: 0, length: 12)!, message.getSlice(at: 12, length: message.readableBytes - 12)!]
        var fromSodium = ByteBuffer()
        var fromBoring = ByteBuffer()
        try sodium.seal(pieces: pieces, into: &fromSodium)
        try boring.seal(pieces: pieces, into: &fromBoring)
        #expect(fromSodium == fromBoring)
        var receiver = NoiseTransport(result: responder, cipher: receiving)
        let other = receiving == .libsodium ? fromBoring : fromSodium
        var wire = other
        #expect(try receiver.open(&wire) == message)
        var tampered = ByteBuffer()
        if receiving == .libsodium {
            try boring.seal(ByteBuffer(string: "next"), into: &tampered)
        } else {
            try sodium.seal(ByteBuffer(string: "next"), into: &tampered)
        }
        tampered.setInteger(tampered.getInteger(at: tampered.readerIndex + 2, as: UInt8.self)! ^ 0x80, at: tampered.readerIndex + 2)
        #expect(throws: NoiseError.decryptionFailed) { try receiver.openFrames(&tampered) }
    }

    @Test func aTamperedFrameIsRejected() throws {
        var (sender, receiver) = try Self.pair()
        var wire = ByteBuffer()
        try sender.seal(ByteBuffer(string: "hello"), into: &wire)
        let index = wire.readerIndex + 4
        wire.setInteger(wire.getInteger(at: index, as: UInt8.self)! ^ 1, at: index)
        #expect(throws: NoiseError.decryptionFailed) { try receiver.openFrames(&wire) }
    }
}
