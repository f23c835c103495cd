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

    /// libsodium, swift-crypto (BoringSSL) and OpenSSL write the same frames (a header and payload
    /// sealed as two pieces, and an empty message) and each opens the others'; a flipped bit fails.
    @Test(arguments: [NoiseCipherState.Implementation.libsodium, .swiftCrypto, .openssl])
    func allCipherImplementationsAgreeByteForByte(receiving: NoiseCipherState.Implementation) throws {
        let (initiator, responder, _) = try NoiseTests.handshake(initiatorKey: .generate(.ed25519), responderKey: .generate(.ed25519))
        let message = ByteBuffer(bytes: (0..<150_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        let pieces = [message.getSlice(at: 0, length: 12)!, message.getSlice(at: 12, length: message.readableBytes - 12)!]
        let implementations: [NoiseCipherState.Implementation] = [.libsodium, .swiftCrypto, .openssl]
        var wires: [ByteBuffer] = []
        for implementation in implementations {
            var sender = NoiseTransport(result: initiator, cipher: implementation)
            var wire = ByteBuffer()
            try sender.seal(pieces: pieces, into: &wire)
            try sender.seal(ByteBuffer(), into: &wire)
            wires.append(wire)
        }
        #expect(wires[1] == wires[0] && wires[2] == wires[0])
        for (sent, wire) in zip(implementations, wires) where sent != receiving {
            var receiver = NoiseTransport(result: responder, cipher: receiving)
            var bytes = wire
            let frames = try receiver.openFrames(&bytes)
            var all = ByteBuffer()
            for var frame in frames { all.writeBuffer(&frame) }
            #expect(frames.count == 4 && frames[3].readableBytes == 0, "from \(sent)")
            #expect(all == message, "from \(sent)")
            var tampered = wire
            let index = tampered.readerIndex + 70_000
            tampered.setInteger(tampered.getInteger(at: index, as: UInt8.self)! ^ 0x80, at: index)
            var fresh = NoiseTransport(result: responder, cipher: receiving)
            #expect(throws: NoiseError.decryptionFailed) { try fresh.openFrames(&tampered) }
        }
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
