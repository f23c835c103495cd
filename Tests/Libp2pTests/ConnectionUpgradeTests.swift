// SPDX-License-Identifier: Apache-2.0
@testable import Libp2pHost
import Libp2pMultistream
import Libp2pNoise
import Multiformats
import NIOCore
import Testing

/// `ConnectionUpgrade` without sockets: two machines exchange their actions' bytes directly, the
/// secure bytes through two `NoiseTransport`s, as the handlers do on a connection.
@Suite struct ConnectionUpgradeTests {
    /// One side of the exchange: its machine, its transport once secured, what it established.
    struct Side {
        var upgrade: ConnectionUpgrade
        var transport: NoiseTransport?
        var result: UpgradeResult?
        var leftover = ByteBuffer()
        var inbox = ByteBuffer()

        /// Carries out actions; returns the bytes for the wire.
        mutating func perform(_ actions: [ConnectionUpgrade.Action]) throws -> ByteBuffer {
            var wire = ByteBuffer()
            for action in actions {
                switch action {
                case .writeRaw(var bytes):
                    wire.writeBuffer(&bytes)
                case .secure(let handshake):
                    transport = NoiseTransport(result: handshake)
                case .writeSecure(let bytes):
                    try transport!.seal(bytes, into: &wire)
                case .established(let result, let leftover):
                    self.result = result
                    self.leftover = leftover
                }
            }
            return wire
        }

        /// Feeds wire bytes the way `ConnectionUpgradeHandler` does; returns the answer.
        mutating func receive(_ wire: ByteBuffer) throws -> ByteBuffer {
            var bytes = wire
            var answer = ByteBuffer()
            if !upgrade.isSecured {
                inbox.writeBuffer(&bytes)
                var part = try perform(upgrade.receiveRaw(&inbox))
                answer.writeBuffer(&part)
                guard upgrade.isSecured else { return answer }
                bytes = inbox  // transport frames that came with the last handshake message
                inbox = ByteBuffer()
            }
            for plaintext in try transport!.openFrames(&bytes) {
                if upgrade.isEstablished {
                    var plaintext = plaintext
                    leftover.writeBuffer(&plaintext)
                    continue
                }
                var part = try perform(upgrade.receivePlaintext(plaintext))
                answer.writeBuffer(&part)
            }
            return answer
        }
    }

    /// Runs both machines until neither has anything to send; `extra` is sent by the initiator
    /// through the secure channel right after its last upgrade bytes (pipelined muxer data).
    static func run(
        initiatorKey: Libp2pPrivateKey, responderKey: Libp2pPrivateKey, expected: PeerID?, muxers: [String],
        chunk: Int = .max
    ) throws -> (Side, Side) {
        var initiator = Side(upgrade: ConnectionUpgrade(isInitiator: true, identity: initiatorKey, expectedPeer: expected, muxers: muxers))
        var responder = Side(upgrade: ConnectionUpgrade(isInitiator: false, identity: responderKey, expectedPeer: nil, muxers: muxers))
        var toResponder = try initiator.perform(initiator.upgrade.start())
        var toInitiator = try responder.perform(responder.upgrade.start())
        var rounds = 0
        while toResponder.readableBytes > 0 || toInitiator.readableBytes > 0 {
            rounds += 1
            guard rounds < 1000 else { throw Libp2pHostError.timeout("upgrade exchange") }
            // Deliver in pieces of `chunk` bytes to exercise partial reads.
            let (sendToResponder, sendToInitiator) = (toResponder, toInitiator)
            toResponder = ByteBuffer()
            toInitiator = ByteBuffer()
            var pending = sendToResponder
            while pending.readableBytes > 0 {
                var answer = try responder.receive(pending.readSlice(length: min(chunk, pending.readableBytes))!)
                toInitiator.writeBuffer(&answer)
            }
            pending = sendToInitiator
            while pending.readableBytes > 0 {
                var answer = try initiator.receive(pending.readSlice(length: min(chunk, pending.readableBytes))!)
                toResponder.writeBuffer(&answer)
            }
        }
        return (initiator, responder)
    }

    @Test(arguments: [["/yamux/1.0.0"], []], [Int.max, 1, 7])
    func bothSidesEstablishTheSamePeersAndMuxer(muxers: [String], chunk: Int) throws {
        let a = Libp2pPrivateKey.generate(.ed25519)
        let b = Libp2pPrivateKey.generate(.secp256k1)
        let (initiator, responder) = try Self.run(initiatorKey: a, responderKey: b, expected: b.peerID, muxers: muxers, chunk: chunk)
        let initiatorResult = try #require(initiator.result)
        let responderResult = try #require(responder.result)
        #expect(initiatorResult.remotePeer == b.peerID)
        #expect(responderResult.remotePeer == a.peerID)
        #expect(initiatorResult.security == "/noise" && responderResult.security == "/noise")
        #expect(initiatorResult.muxer == "/yamux/1.0.0" && responderResult.muxer == "/yamux/1.0.0")
        #expect(initiatorResult.muxerInlined == !muxers.isEmpty)
        #expect(responderResult.muxerInlined == !muxers.isEmpty)
        // After the upgrade the transports carry muxer bytes both ways.
        var sender = try #require(initiator.transport)
        var receiver = try #require(responder.transport)
        var wire = ByteBuffer()
        try sender.seal(ByteBuffer(string: "yamux bytes"), into: &wire)
        #expect(try receiver.open(&wire) == ByteBuffer(string: "yamux bytes"))
    }

    @Test func aDifferentPeerThanExpectedFailsTheUpgrade() throws {
        let a = Libp2pPrivateKey.generate(.ed25519)
        let b = Libp2pPrivateKey.generate(.ed25519)
        let someoneElse = Libp2pPrivateKey.generate(.ed25519).peerID
        #expect(throws: (any Error).self) {
            try Self.run(initiatorKey: a, responderKey: b, expected: someoneElse, muxers: ["/yamux/1.0.0"])
        }
    }

    @Test func plaintextBeforeTheHandshakeIsRefused() throws {
        var upgrade = ConnectionUpgrade(isInitiator: false, identity: .generate(.ed25519), expectedPeer: nil)
        _ = upgrade.start()
        #expect(throws: (any Error).self) { try upgrade.receivePlaintext(ByteBuffer(string: "early")) }
        #expect(!upgrade.isSecured && !upgrade.isEstablished)
    }

    @Test func anUnsupportedSecurityProtocolIsDeclinedNotSelected() throws {
        var upgrade = ConnectionUpgrade(isInitiator: false, identity: .generate(.ed25519), expectedPeer: nil)
        let opening = upgrade.start()
        var initiator = MultistreamInitiator(protocols: ["/tls/1.0.0"])
        var wire = initiator.start()
        let actions = try upgrade.receiveRaw(&wire)
        #expect(!upgrade.isSecured)
        // Only multistream bytes go back (header, then "na"), never a Noise handshake message.
        var answer = ByteBuffer()
        for action in opening + actions {
            guard case .writeRaw(var bytes) = action else {
                Issue.record("unexpected action \(action)")
                continue
            }
            answer.writeBuffer(&bytes)
        }
        #expect(String(buffer: answer).hasSuffix("na\n"))
        #expect(throws: Multistream.Error.noProtocolAccepted(["/tls/1.0.0"])) { try initiator.receive(&answer) }
    }
}
