// SPDX-License-Identifier: Apache-2.0
import Testing

@testable import Libp2pGossipsub

struct GossipsubRPCTests {
    static let sample = GossipsubRPC(
        subscriptions: [.init(subscribe: true, topic: "plugin.bridge"), .init(subscribe: false, topic: "koinos.blocks")],
        publish: [
            GossipsubMessage(
                from: [0x00, 0x24, 1, 2, 3],
                data: Array("hello".utf8),
                seqno: [0, 0, 0, 0, 0, 0, 0, 7],
                topic: "plugin.bridge",
                signature: [9, 9, 9],
                key: [8, 1, 0x12, 0]
            ),
            GossipsubMessage(data: [], topic: "t"),
        ],
        control: ControlMessage(
            ihave: [.init(topic: "plugin.bridge", messageIDs: [[0xFF, 0xFE, 0x00], [1]])],
            iwant: [.init(messageIDs: [[0x80, 0x81]])],
            graft: [.init(topic: "a")],
            prune: [
                .init(topic: "b", peers: [.init(peerID: [1, 2], signedPeerRecord: [3])], backoffSeconds: 60),
                .init(topic: "c"),
            ]
        )
    )

    @Test func everyFieldRoundTrips() throws {
        let decoded = try GossipsubRPC(protobuf: Self.sample.protobufEncoded)
        #expect(decoded == Self.sample)
    }

    @Test func helloMatchesBytesSeenOnTheWire() throws {
        // libp2p.md A.11: "Hello seen on the wire: 11 0a0f 0801 120b "probe-topic"".
        let hello = GossipsubRPC(subscriptions: [.init(subscribe: true, topic: "probe-topic")])
        let expected: [UInt8] = [0x11, 0x0A, 0x0F, 0x08, 0x01, 0x12, 0x0B] + Array("probe-topic".utf8)
        #expect(hello.lengthPrefixedEncoded == expected)
    }

    @Test func unknownFieldsAreSkipped() throws {
        // py-libp2p adds RPC field 4 (senderRecord) to every RPC; v1.2 adds control field 5 (IDONTWANT).
        var bytes = GossipsubRPC(subscriptions: [.init(subscribe: true, topic: "x")]).protobufEncoded
        bytes += [0x22, 0x03, 0xAA, 0xBB, 0xCC]  // field 4, length-delimited
        bytes += [0x28, 0x96, 0x01]  // field 5, varint
        bytes += [0x1A, 0x04, 0x2A, 0x02, 0x0A, 0x00]  // control { field 5 { field 1 "" } }
        let decoded = try GossipsubRPC(protobuf: bytes)
        #expect(decoded.subscriptions == [.init(subscribe: true, topic: "x")])
        #expect(decoded.control == nil)
    }

    @Test func messageIDsAreBytesNotStrings() throws {
        let invalidUTF8: [UInt8] = [0xC3, 0x28, 0xFF]
        let rpc = GossipsubRPC(control: .init(iwant: [.init(messageIDs: [invalidUTF8])]))
        #expect(try GossipsubRPC(protobuf: rpc.protobufEncoded).control?.iwant.first?.messageIDs == [invalidUTF8])
    }

    @Test func truncatedAndMalformedInputThrows() {
        let bytes = Self.sample.protobufEncoded
        #expect(throws: GossipsubError.self) { try GossipsubRPC(protobuf: Array(bytes.dropLast())) }
        #expect(throws: GossipsubError.self) { try GossipsubRPC(protobuf: [0x0A, 0x05, 0x08]) }
        #expect(throws: GossipsubError.self) { try GossipsubRPC(protobuf: [0x0F]) }  // wire type 7
        #expect(throws: GossipsubError.self) { try GossipsubRPC(protobuf: [0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]) }
    }

    /// Decoding goes through `Primitives.ProtobufReader`; every failure of it reaches the caller as
    /// gossipsub's own `malformedProtobuf`, with the reader's reason.
    @Test func malformedRPCsGetGossipsubsOwnError() {
        let cases: [([UInt8], String)] = [
            ([0x0A, 0x05, 0x08], "truncated"),  // subscription of 5 bytes, 1 present
            ([0x0F], "unexpected wire type"),  // field 1 (subscriptions) as wire type 7
            ([0x27], "wire type 7"),  // unknown field 4 with an undefined wire type
            ([0x00], "field number 0"),
            ([0x20] + [UInt8](repeating: 0xFF, count: 9) + [0x02], "varint overflow"),
            ([0x0A, 0x03, 0x12, 0x01, 0xFF], "invalid UTF-8"),  // a subscription's topic
            ([0x12, 0x02, 0x12, 0x05], "truncated"),  // a published message's data
        ]
        for (bytes, reason) in cases {
            #expect(throws: GossipsubError.malformedProtobuf(reason), "\(bytes)") { try GossipsubRPC(protobuf: bytes) }
        }
        #expect(throws: GossipsubError.malformedProtobuf("truncated")) { try GossipsubMessage(protobuf: [0x12, 0x05, 0x01]) }
    }

    /// Unknown fields of every wire type are skipped, a 10-byte varint (the largest) included.
    @Test func unknownFieldsOfEveryWireTypeAreSkipped() throws {
        let unknown: [UInt8] = [0x20] + [UInt8](repeating: 0xFF, count: 9) + [0x01]  // field 4, varint 2⁶⁴−1
            + [0x29, 1, 2, 3, 4, 5, 6, 7, 8]  // field 5, fixed64
            + [0x35, 1, 2, 3, 4]  // field 6, fixed32
            + [0x3A, 0x02, 0xAA, 0xBB]  // field 7, length-delimited
        let rpc = GossipsubRPC(subscriptions: [.init(subscribe: true, topic: "x")])
        #expect(try GossipsubRPC(protobuf: unknown + rpc.protobufEncoded + unknown) == rpc)
    }

    @Test func signedFieldsAreFieldsOneToFourInOrder() {
        let message = GossipsubMessage(from: [1], data: [2], seqno: [3], topic: "t", signature: [5], key: [6])
        #expect(message.signedFieldsEncoded == [0x0A, 1, 1, 0x12, 1, 2, 0x1A, 1, 3, 0x22, 1, 0x74])
    }
}

struct GossipsubFrameDecoderTests {
    @Test func framesDecodeWhenFedOneByteAtATime() throws {
        let rpcs = [
            GossipsubRPCTests.sample,
            GossipsubRPC(subscriptions: [.init(subscribe: true, topic: "x")]),
            GossipsubRPC(publish: [GossipsubMessage(data: [UInt8](repeating: 7, count: 300), topic: "big")]),
        ]
        let stream = rpcs.flatMap(\.lengthPrefixedEncoded)
        var decoder = GossipsubFrameDecoder()
        var decoded: [GossipsubRPC] = []
        for byte in stream {
            decoder.append([byte])
            while let rpc = try decoder.nextRPC() { decoded.append(rpc) }
        }
        #expect(decoded == rpcs)
        #expect(decoder.bufferedByteCount == 0)
    }

    @Test func framesDecodeAllAtOnce() throws {
        let stream = GossipsubRPCTests.sample.lengthPrefixedEncoded + GossipsubRPCTests.sample.lengthPrefixedEncoded
        var decoder = GossipsubFrameDecoder()
        decoder.append(stream)
        #expect(try decoder.nextRPC() == GossipsubRPCTests.sample)
        #expect(try decoder.nextRPC() == GossipsubRPCTests.sample)
        #expect(try decoder.nextRPC() == nil)
    }

    @Test func oversizedFrameIsRejectedBeforeItsBody() {
        var decoder = GossipsubFrameDecoder()
        decoder.append([0x81, 0x80, 0x40])  // 1 MiB + 1, announced only
        #expect(throws: GossipsubError.frameTooLarge(length: (1 << 20) + 1, limit: 1 << 20)) { try decoder.nextFrame() }
    }

    @Test func exactlyOneMebibyteIsAccepted() throws {
        var decoder = GossipsubFrameDecoder()
        decoder.append([0x80, 0x80, 0x40])
        decoder.append([UInt8](repeating: 0, count: 1 << 20))
        #expect(try decoder.nextFrame()?.count == 1 << 20)
    }

    @Test func overlongLengthPrefixIsMalformed() {
        var decoder = GossipsubFrameDecoder()
        decoder.append([UInt8](repeating: 0x80, count: 10))
        #expect(throws: GossipsubError.malformedLengthPrefix) { try decoder.nextFrame() }
    }
}
