// SPDX-License-Identifier: Apache-2.0
import Libp2pNoise
import Multiformats
import NIOCore
import NIOTestUtils
import Testing
import Primitives

@Suite struct NoiseTests {
    /// Runs a full XX handshake between two machines without sockets.
    static func handshake(
        initiatorKey: Libp2pPrivateKey, responderKey: Libp2pPrivateKey,
        initiatorMuxers: [String] = ["/yamux/1.0.0"], responderMuxers: [String] = ["/yamux/1.0.0"],
        expected: PeerID? = nil
    ) throws -> (NoiseHandshakeResult, NoiseHandshakeResult, sizes: [Int]) {
        var initiator = NoiseHandshakeStateMachine(role: .initiator, identity: initiatorKey, expectedRemotePeer: expected, muxers: initiatorMuxers)
        var responder = NoiseHandshakeStateMachine(role: .responder, identity: responderKey, muxers: responderMuxers)
        let started = try initiator.start()
        let message1 = try #require(started)
        guard case .send(let message2) = try responder.receive(message1) else { throw NoiseError.unexpectedMessage }
        guard case .sendAndComplete(let message3, let initiatorResult) = try initiator.receive(message2) else { throw NoiseError.unexpectedMessage }
        guard case .complete(let responderResult) = try responder.receive(message3) else { throw NoiseError.unexpectedMessage }
        return (initiatorResult, responderResult, [message1.count, message2.count, message3.count])
    }

    @Test(arguments: [Libp2pKeyType.ed25519, .secp256k1, .ecdsaP256])
    func handshakeAuthenticatesBothSides(type: Libp2pKeyType) throws {
        let a = Libp2pPrivateKey.generate(type)
        let b = Libp2pPrivateKey.generate(.ed25519)
        let (ri, rr, sizes) = try Self.handshake(initiatorKey: a, responderKey: b, expected: b.peerID)
        #expect(ri.remotePeerID == b.peerID)
        #expect(rr.remotePeerID == a.peerID)
        #expect(ri.inlinedMuxer == "/yamux/1.0.0")
        #expect(rr.inlinedMuxer == "/yamux/1.0.0")
        #expect(sizes[0] == 32)
        // Transport both ways, including a message split across frames.
        var initiatorTransport = NoiseTransport(result: ri)
        var responderTransport = NoiseTransport(result: rr)
        let big = ByteBuffer(bytes: (0..<150_000).map { UInt8(truncatingIfNeeded: $0) })
        var wire = ByteBuffer()
        try initiatorTransport.seal(big, into: &wire)
        #expect(wire.readableBytes == 150_000 + 3 * (2 + 16))
        let openedBytes = try responderTransport.open(&wire)
        let opened = try #require(openedBytes)
        #expect(opened == big)
        var back = ByteBuffer()
        try responderTransport.seal(ByteBuffer(string: "pong"), into: &back)
        #expect(try initiatorTransport.open(&back) == ByteBuffer(string: "pong"))
    }

    @Test func muxerIsInlinedOnlyWhenBothSidesListMuxers() throws {
        let a = Libp2pPrivateKey.generate(.ed25519), b = Libp2pPrivateKey.generate(.ed25519)
        let (ri, rr, _) = try Self.handshake(initiatorKey: a, responderKey: b, responderMuxers: [])
        #expect(ri.inlinedMuxer == nil)
        #expect(rr.inlinedMuxer == nil)
        let (ri2, rr2, _) = try Self.handshake(initiatorKey: a, responderKey: b, initiatorMuxers: [])
        #expect(ri2.inlinedMuxer == nil)
        #expect(rr2.inlinedMuxer == nil)
        #expect(throws: NoiseError.self) {
            try Self.handshake(initiatorKey: a, responderKey: b, initiatorMuxers: ["/mplex/6.7.0"], responderMuxers: ["/yamux/1.0.0"])
        }
    }

    @Test func wrongExpectedPeerFails() throws {
        let a = Libp2pPrivateKey.generate(.ed25519), b = Libp2pPrivateKey.generate(.ed25519)
        let other = Libp2pPrivateKey.generate(.ed25519).peerID
        #expect(throws: NoiseError.self) { try Self.handshake(initiatorKey: a, responderKey: b, expected: other) }
    }

    @Test func tamperedMessagesAreRejected() throws {
        let a = Libp2pPrivateKey.generate(.secp256k1), b = Libp2pPrivateKey.generate(.ecdsaP256)
        var initiator = NoiseHandshakeStateMachine(role: .initiator, identity: a)
        var responder = NoiseHandshakeStateMachine(role: .responder, identity: b)
        let started = try initiator.start()
        let message1 = try #require(started)
        guard case .send(var message2) = try responder.receive(message1) else { Issue.record("no message 2"); return }
        message2[message2.count - 1] ^= 0x01
        #expect(throws: NoiseError.decryptionFailed) { try initiator.receive(message2) }
        // A failed machine accepts nothing more.
        #expect(throws: NoiseError.unexpectedMessage) { try initiator.receive(message2) }
    }

    @Test func payloadSkipsUnknownFields() throws {
        var writer = ProtobufWriter(defaultValues: .written)
        writer.bytes(1, [1, 2])
        writer.bytes(2, [3])
        writer.bytes(9, [0xff])
        var extensions = ProtobufWriter(defaultValues: .written)
        extensions.bytes(1, [7, 7])
        extensions.string(2, "/yamux/1.0.0")
        writer.bytes(4, extensions.bytes)
        let payload = try NoiseHandshakePayload(decoding: writer.bytes)
        #expect(payload.identityKey == [1, 2])
        #expect(payload.streamMuxers == ["/yamux/1.0.0"])
        #expect(try NoiseHandshakePayload(decoding: payload.encoded()) == payload)
    }

    @Test func frameLimit() {
        var buffer = ByteBuffer()
        #expect(throws: NoiseError.messageTooLarge(65536)) { try buffer.writeNoiseFrame([UInt8](repeating: 0, count: 65536)) }
        #expect((try? buffer.writeNoiseFrame([UInt8](repeating: 0, count: 65535))) != nil)
        #expect(buffer.readNoiseFrame()?.readableBytes == 65535)
        var partial = ByteBuffer(bytes: [0x00, 0x05, 1, 2])
        #expect(partial.readNoiseFrame() == nil)
        #expect(partial.readableBytes == 4)
    }

    @Test func frameDecoderVerifier() throws {
        struct Decoder: NIOSingleStepByteToMessageDecoder {
            typealias InboundOut = ByteBuffer
            mutating func decode(buffer: inout ByteBuffer) throws -> ByteBuffer? { buffer.readNoiseFrame() }
            mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> ByteBuffer? { try decode(buffer: &buffer) }
        }
        // NIO's verifier feeds every split of the input, which is quadratic in its size: a 65,535-byte
        // frame kept one cooperative thread busy for 10 s (60 s in the full suite, starving the
        // process tests). The largest frame's bounds are checked in the test above.
        let pairs = try [0, 1, 300, 1_300].map { size -> (ByteBuffer, [ByteBuffer]) in
            let message = [UInt8](repeating: UInt8(size % 251), count: size)
            var buffer = ByteBuffer()
            try buffer.writeNoiseFrame(message)
            return (buffer, [ByteBuffer(bytes: message)])
        }
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) { Decoder() }
    }
}
