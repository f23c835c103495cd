// SPDX-License-Identifier: Apache-2.0
import Synchronization
import Testing

@testable import Libp2pGossipsub

/// Counts signature checks (and accepts those `TestVerifier` accepts).
final class CountingVerifier: GossipSignatureVerifier {
    let calls = Mutex(0)
    func verify(publicKeyProtobuf: [UInt8], signature: [UInt8], data: [UInt8]) -> Bool {
        calls.withLock { $0 += 1 }
        return TestVerifier().verify(publicKeyProtobuf: publicKeyProtobuf, signature: signature, data: data)
    }
}

/// Issue 19 M1 and M3 against the pure router: tables keyed by peer-chosen names stay bounded, and
/// one RPC cannot force unbounded signature checks.
struct GossipsubRouterLimitsTests {
    static let topic = "plugin.bridge"
    static let local = TestEd25519Signer(seed: 1)
    static let stranger = TestEd25519Signer(seed: 2)

    static func machine(_ parameters: GossipsubParameters = .koinos, verifier: any GossipSignatureVerifier = TestVerifier()) -> GossipsubRouter.StateMachine {
        var machine = GossipsubRouter.StateMachine(
            localPeer: local.peer, parameters: parameters, signer: local, verifier: verifier, initialSeqno: 1, seed: 1)
        _ = machine.subscribe(topic, now: .zero)
        _ = machine.addPeer(stranger.peer, protocol: .meshsub11, outbound: false, now: .zero)
        return machine
    }

    static func subscribe(_ topics: [String]) -> GossipsubRPC {
        GossipsubRPC(subscriptions: topics.map { .init(subscribe: true, topic: $0) })
    }

    @Test func subscriptionsPerPeerAndInTotalAreCapped() {
        var machine = Self.machine()
        let parameters = GossipsubParameters.koinos
        _ = machine.handleRPC(Self.subscribe((0..<10_000).map { "junk-\($0)" }), from: Self.stranger.peer, now: .zero)
        #expect(machine.topicPeers.count == parameters.maxTopicsPerPeer)
        #expect(machine.peers[Self.stranger.peer]?.topics.count == parameters.maxTopicsPerPeer)
        #expect(machine.dropCounts[.topicLimit] == 10_000 - parameters.maxTopicsPerPeer)
        // Our own topic is always recorded, even for a peer at its cap.
        _ = machine.handleRPC(Self.subscribe([Self.topic]), from: Self.stranger.peer, now: .zero)
        #expect(machine.peers(subscribedTo: Self.topic) == [Self.stranger.peer])
        // Many peers together stay under the total cap.
        for seed in UInt8(3)..<UInt8(60) {
            let peer = TestEd25519Signer(seed: seed).peer
            _ = machine.addPeer(peer, protocol: .meshsub11, outbound: false, now: .zero)
            _ = machine.handleRPC(Self.subscribe((0..<64).map { "peer\(seed)-\($0)" }), from: peer, now: .zero)
        }
        #expect(machine.topicPeers.count <= parameters.maxTrackedTopics)
        // Overlong names are not recorded.
        _ = machine.removePeer(Self.stranger.peer, now: .zero)
        _ = machine.addPeer(Self.stranger.peer, protocol: .meshsub11, outbound: false, now: .zero)
        _ = machine.handleRPC(Self.subscribe([String(repeating: "x", count: 100_000)]), from: Self.stranger.peer, now: .zero)
        #expect(machine.peers[Self.stranger.peer]?.topics.isEmpty == true)
    }

    @Test func emptyTopicKeysAreDeletedOnUnsubscribeAndRemovePeer() {
        var machine = Self.machine()
        _ = machine.handleRPC(Self.subscribe(["a", "b", Self.topic]), from: Self.stranger.peer, now: .zero)
        #expect(Set(machine.topicPeers.keys) == ["a", "b", Self.topic])
        _ = machine.handleRPC(GossipsubRPC(subscriptions: [.init(subscribe: false, topic: "a")]), from: Self.stranger.peer, now: .zero)
        #expect(Set(machine.topicPeers.keys) == ["b", Self.topic])
        _ = machine.removePeer(Self.stranger.peer, now: .zero)
        #expect(machine.topicPeers.isEmpty)
    }

    @Test func pruneForATopicWeAreNotInRecordsNothing() {
        var machine = Self.machine()
        let prunes = (0..<5_000).map { ControlMessage.Prune(topic: "foreign-\($0)", backoffSeconds: 86_400) }
        _ = machine.handleRPC(GossipsubRPC(control: ControlMessage(prune: prunes)), from: Self.stranger.peer, now: .zero)
        #expect(machine.backoff.isEmpty)
        // A PRUNE on our topic still records the peer's backoff.
        let ours = ControlMessage(prune: [.init(topic: Self.topic, backoffSeconds: 60)])
        _ = machine.handleRPC(GossipsubRPC(control: ours), from: Self.stranger.peer, now: .zero)
        #expect(machine.isBackingOff(Self.stranger.peer, topic: Self.topic, now: .seconds(1)))
        // Expired backoff entries leave no empty topic key behind.
        _ = machine.heartbeat(now: .seconds(120))
        #expect(machine.backoff.isEmpty)
    }

    static func signedMessages(_ count: Int, validSignature: Bool) throws -> [GossipsubMessage] {
        try (0..<count).map { index in
            var message = GossipsubMessage(data: [UInt8(index % 256)], seqno: withUnsafeBytes(of: UInt64(index).bigEndian, Array.init), topic: topic)
            try MessageSigning.sign(&message, with: stranger)
            if !validSignature { message.signature?[0] ^= 0xFF }
            return message
        }
    }

    @Test func badSignaturesStopBeingCheckedOnceThePeerIsGraylisted() throws {
        let verifier = CountingVerifier()
        var machine = Self.machine(verifier: verifier)
        let rpc = GossipsubRPC(publish: try Self.signedMessages(200, validSignature: false))
        _ = machine.handleRPC(rpc, from: Self.stranger.peer, now: .zero)
        // Score −10·n²: the third invalid message crosses the graylist threshold (−80).
        let calls = verifier.calls.withLock { $0 }
        #expect(calls <= 4, "\(calls) signature checks for one RPC")
        #expect(machine.score(Self.stranger.peer) < GossipsubParameters.koinos.scoring.graylistThreshold)
        #expect(machine.dropCounts[.graylisted, default: 0] >= 190)
    }

    @Test func messagesPerRPCAreCapped() throws {
        let verifier = CountingVerifier()
        var machine = Self.machine(verifier: verifier)
        let limit = GossipsubParameters.koinos.maxMessagesPerRPC
        let rpc = GossipsubRPC(publish: try Self.signedMessages(limit + 500, validSignature: true))
        let actions = machine.handleRPC(rpc, from: Self.stranger.peer, now: .zero)
        let validations = actions.filter { if case .validate = $0 { true } else { false } }
        #expect(validations.count == limit)
        #expect(verifier.calls.withLock { $0 } == limit)
        #expect(machine.dropCounts[.tooManyMessages] == 500)
    }

    @Test func screeningThenVerifyingOffTheRouterMatchesHandleRPC() throws {
        var machine = Self.machine()
        let messages = try Self.signedMessages(3, validSignature: true) + Self.signedMessages(1, validSignature: false).map {
            var forged = $0
            forged.seqno = [9, 9]
            return forged
        }
        let (_, screenedRPC) = machine.screenRPC(GossipsubRPC(publish: messages + messages.prefix(1)), from: Self.stranger.peer, now: .zero)
        let screened = try #require(screenedRPC)
        #expect(screened.messages.count == 4)  // the repeated first message is screened out
        let checked = GossipsubRouter.verifySignatures(screened, verifier: TestVerifier())
        #expect(checked.results.map(\.signatureValid) == [true, true, true, false])
        let (actions, rest) = machine.handleVerified(checked, now: .zero)
        #expect(actions.filter { if case .validate = $0 { true } else { false } }.count == 3)
        #expect(rest == nil)
        #expect(machine.dropCounts[.invalidSignature] == 1)
        // A message delivered by another RPC while this one was checked is not validated twice.
        #expect(machine.handleVerified(checked, now: .zero).0.filter { if case .validate = $0 { true } else { false } }.isEmpty)
    }
}
