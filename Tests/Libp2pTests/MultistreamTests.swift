// SPDX-License-Identifier: Apache-2.0
import Libp2pMultistream
import NIOCore
import NIOTestUtils
import Testing

@Suite struct MultistreamTests {
    @Test func wireBytesMatchTheSpec() {
        var buffer = ByteBuffer()
        buffer.writeMultistreamMessage("/multistream/1.0.0")
        buffer.writeMultistreamMessage("/noise")
        buffer.writeMultistreamMessage("na")
        #expect(Hex.encode(Array(buffer.readableBytesView)) == "132f6d756c746973747265616d2f312e302e300a" + "072f6e6f6973650a" + "036e610a")
    }

    @Test func negotiatesFirstSupportedAfterNa() throws {
        var initiator = MultistreamInitiator(protocols: ["/unknown/1", "/yamux/1.0.0"])
        var responder = MultistreamResponder(isSupported: { $0 == "/yamux/1.0.0" })
        var toResponder = initiator.start()
        var toInitiator = responder.start()
        var rounds = 0
        while initiator.selected == nil || responder.selected == nil {
            rounds += 1
            #expect(rounds < 10)
            let fromResponder = try responder.receive(&toResponder)
            if var out = fromResponder.output { toInitiator.writeBuffer(&out) }
            let fromInitiator = try initiator.receive(&toInitiator)
            if var out = fromInitiator.output { toResponder.writeBuffer(&out) }
        }
        #expect(initiator.selected == "/yamux/1.0.0")
        #expect(responder.selected == "/yamux/1.0.0")
    }

    @Test func pipelinedBytesAfterProposalAreKeptOneByteAtATime() throws {
        var initiator = MultistreamInitiator(protocols: ["/echo/1.0.0"])
        var wire = initiator.start()
        wire.writeString("application data")
        var responder = MultistreamResponder(isSupported: { $0 == "/echo/1.0.0" })
        var input = ByteBuffer()
        var selected: String?
        for byte in wire.readableBytesView {
            input.writeInteger(byte)
            if selected == nil { selected = try responder.receive(&input).selected }
        }
        #expect(selected == "/echo/1.0.0")
        #expect(input.readString(length: input.readableBytes) == "application data")
    }

    @Test func unsupportedProtocolIsAnsweredNaAndStaysUsable() throws {
        var responder = MultistreamResponder(isSupported: { $0 == "/b" })
        var input = ByteBuffer()
        input.writeMultistreamMessage(Multistream.header)
        input.writeMultistreamMessage("/a")
        let first = try responder.receive(&input)
        var output = try #require(first.output)
        #expect(try output.readMultistreamMessage() == Multistream.header)
        #expect(try output.readMultistreamMessage() == "na")
        #expect(first.selected == nil)
        input.writeMultistreamMessage("/b")
        #expect(try responder.receive(&input).selected == "/b")
    }

    @Test func limitsAndMalformedInput() throws {
        var long = ByteBuffer()
        long.writeMultistreamMessage(String(repeating: "x", count: 1024))  // 1025 bytes with newline
        #expect(throws: Multistream.Error.messageTooLong(1025)) { try long.readMultistreamMessage() }
        var exact = ByteBuffer()
        exact.writeMultistreamMessage(String(repeating: "x", count: 1023))
        #expect(try exact.readMultistreamMessage()?.count == 1023)
        var noNewline = ByteBuffer(bytes: [0x02, 0x61, 0x62])
        #expect(throws: Multistream.Error.malformedMessage) { try noNewline.readMultistreamMessage() }
        var wrongHeader = ByteBuffer()
        wrongHeader.writeMultistreamMessage("/multistream/2.0.0")
        var responder = MultistreamResponder(isSupported: { _ in true })
        #expect(throws: Multistream.Error.self) { try responder.receive(&wrongHeader) }
        var initiator = MultistreamInitiator(protocols: ["/a"])
        _ = initiator.start()
        var refusal = ByteBuffer()
        refusal.writeMultistreamMessage(Multistream.header)
        refusal.writeMultistreamMessage("na")
        #expect(throws: Multistream.Error.noProtocolAccepted(["/a"])) { try initiator.receive(&refusal) }
    }

    @Test func decoderVerifier() throws {
        struct Decoder: NIOSingleStepByteToMessageDecoder {
            typealias InboundOut = String
            mutating func decode(buffer: inout ByteBuffer) throws -> String? { try buffer.readMultistreamMessage() }
            mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> String? { try decode(buffer: &buffer) }
        }
        let pairs = ["/multistream/1.0.0", "/noise", "na", String(repeating: "p", count: 300)].map { text -> (ByteBuffer, [String]) in
            var buffer = ByteBuffer()
            buffer.writeMultistreamMessage(text)
            return (buffer, [text])
        }
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) { Decoder() }
    }
}
