// SPDX-License-Identifier: Apache-2.0
import Testing

@testable import Libp2pGossipsub

struct MessageSigningTests {
    @Test func ed25519KeyIsInlinedAndSignatureVerifies() throws {
        let signer = TestEd25519Signer(seed: 9)
        var message = GossipsubMessage(data: [1, 2, 3], seqno: [0, 0, 0, 0, 0, 0, 0, 1], topic: "t")
        try MessageSigning.sign(&message, with: signer)
        #expect(message.key == nil)
        #expect(message.from == signer.peerIDBytes)
        #expect(signer.peerIDBytes.prefix(2) == [0x00, 0x24])
        #expect(MessageSigning.verificationFailure(message, verifier: TestVerifier()) == nil)
    }

    @Test func p256KeyTravelsInFieldSixAndMustHashToFrom() throws {
        let signer = TestP256Signer()
        var message = GossipsubMessage(data: [7], seqno: [0, 0, 0, 0, 0, 0, 0, 2], topic: "koinos.blocks")
        try MessageSigning.sign(&message, with: signer)
        #expect(message.key == signer.publicKeyProtobuf)
        #expect(signer.peerIDBytes.prefix(2) == [0x12, 0x20])
        #expect(MessageSigning.verificationFailure(message, verifier: TestVerifier()) == nil)
        var otherKey = message
        otherKey.key = TestP256Signer().publicKeyProtobuf
        #expect(MessageSigning.verificationFailure(otherKey, verifier: TestVerifier()) == "key does not match from")
        var noKey = message
        noKey.key = nil
        #expect(MessageSigning.verificationFailure(noKey, verifier: TestVerifier()) == "missing key")
    }

    @Test func tamperedOrUnsignedMessagesAreRejected() throws {
        let signer = TestEd25519Signer(seed: 3)
        var message = GossipsubMessage(data: [1], seqno: [0, 0, 0, 0, 0, 0, 0, 9], topic: "t")
        try MessageSigning.sign(&message, with: signer)
        let verifier = TestVerifier()
        var tampered = message
        tampered.data = [2]
        #expect(MessageSigning.verificationFailure(tampered, verifier: verifier) == "bad signature")
        var retopic = message
        retopic.topic = "u"
        #expect(MessageSigning.verificationFailure(retopic, verifier: verifier) == "bad signature")
        var unsigned = message
        unsigned.signature = nil
        #expect(MessageSigning.verificationFailure(unsigned, verifier: verifier) == "missing signature")
        var noSeqno = message
        noSeqno.seqno = nil
        #expect(MessageSigning.verificationFailure(noSeqno, verifier: verifier) == "missing seqno")
        var impostor = message
        impostor.from = TestEd25519Signer(seed: 4).peerIDBytes
        #expect(MessageSigning.verificationFailure(impostor, verifier: verifier) == "bad signature")
    }

    @Test func routerRejectsUnsignedAndForgedMessagesAndPenalisesTheSender() throws {
        var network = RouterNetwork(count: 2, parameters: .koinos)
        network.connect(0, 1)
        network.subscribeAll("t")
        let unsigned = GossipsubMessage(from: network.peer(1).bytes, data: [1], seqno: [0, 0, 0, 0, 0, 0, 0, 1], topic: "t")
        network.apply(network.nodes[0].machine.handleRPC(.init(publish: [unsigned]), from: network.peer(1), now: .zero), at: 0)
        #expect(network.nodes[0].delivered.isEmpty)
        #expect(network.nodes[0].machine.dropCounts[.invalidSignature] == 1)
        #expect(network.nodes[0].machine.score(network.peer(1)) < 0)
        // A correctly signed message is accepted.
        var signed = GossipsubMessage(data: [2], seqno: [0, 0, 0, 0, 0, 0, 0, 2], topic: "t")
        try MessageSigning.sign(&signed, with: network.nodes[1].signer)
        network.apply(network.nodes[0].machine.handleRPC(.init(publish: [signed]), from: network.peer(1), now: .zero), at: 0)
        #expect(network.deliveredData(0, topic: "t") == [[2]])
    }

    @Test func ourPublicationsCarryIncreasingSeqnosAndVerify() throws {
        var network = RouterNetwork(count: 1)
        let first = try network.nodes[0].machine.publish(topic: "t", data: [1], now: .zero).message
        let second = try network.nodes[0].machine.publish(topic: "t", data: [1], now: .zero).message
        #expect(first.seqno == [0, 0, 0, 0, 0, 0, 0x03, 0xE8])
        #expect(second.seqno == [0, 0, 0, 0, 0, 0, 0x03, 0xE9])
        #expect(MessageSigning.verificationFailure(second, verifier: TestVerifier()) == nil)
    }

    @Test func replayedSeqnoUnderAContentIDIsDropped() throws {
        var network = RouterNetwork(count: 2, parameters: .koinos)
        network.connect(0, 1)
        for index in 0...1 { network.nodes[index].machine.setMessageIDFunction(.koinosContentHash, forTopic: "t") }
        network.subscribeAll("t")
        let signer = network.nodes[1].signer
        var first = GossipsubMessage(data: [1], seqno: [0, 0, 0, 0, 0, 0, 0, 5], topic: "t")
        var second = GossipsubMessage(data: [2], seqno: [0, 0, 0, 0, 0, 0, 0, 5], topic: "t")
        try MessageSigning.sign(&first, with: signer)
        try MessageSigning.sign(&second, with: signer)
        network.apply(network.nodes[0].machine.handleRPC(.init(publish: [first, second]), from: network.peer(1), now: .zero), at: 0)
        #expect(network.deliveredData(0, topic: "t") == [[1]])
        #expect(network.nodes[0].machine.dropCounts[.duplicate] == 1)
    }
}

struct MessageIDFunctionTests {
    @Test func defaultIDIsFromThenSeqno() {
        let message = GossipsubMessage(from: [1, 2], data: [9], seqno: [3, 4], topic: "t")
        #expect(MessageIDFunction.fromAndSeqno(message) == [1, 2, 3, 4])
    }

    @Test func koinosIDIsUnpaddedStandardBase64OfSHA256() {
        // sha256("") = e3b0c442…b855; base64 std = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" (padding removed).
        let empty = GossipsubMessage(data: [], topic: "koinos.blocks")
        #expect(MessageIDFunction.koinosContentHash(empty) == Array("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU".utf8))
        // sha256("abc") = ba7816bf…15ad → "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0".
        let abc = GossipsubMessage(from: [1], data: Array("abc".utf8), seqno: [2], topic: "koinos.transactions")
        #expect(MessageIDFunction.koinosContentHash(abc) == Array("ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0".utf8))
    }

    @Test func base64HandlesEveryRemainder() {
        #expect(Base64Unpadded.encode(Array("f".utf8)) == "Zg")
        #expect(Base64Unpadded.encode(Array("fo".utf8)) == "Zm8")
        #expect(Base64Unpadded.encode(Array("foo".utf8)) == "Zm9v")
        #expect(Base64Unpadded.encode([0xFB, 0xFF]) == "+/8")
    }
}
