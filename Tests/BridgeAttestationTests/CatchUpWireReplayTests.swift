// SPDX-License-Identifier: Apache-2.0
import BridgeAttestation
import BridgeCore
import BridgeGossip
import BridgeSigning
import BridgeStore
import ChainCrypto
import Libp2pGossipsub
import Libp2pHost
import Logging
import Multiformats
import Testing
import ProcessTestSupport

/// H2 on the real stack (TCP on 127.0.0.1, Noise, yamux): a catch-up request captured from a
/// validator and replayed by a fresh libp2p identity over `/koinos/bridge/1.0.0` gets nothing.
@Suite(.serialized) struct CatchUpWireReplayTests {
    @Test(.timeLimit(.minutes(1)))
    func aCapturedRequestReplayedFromAFreshIdentityGetsNoAnswer() async throws {
        let keys = try (1...2).map { try Secp256k1.PrivateKey(rawRepresentation: Array(repeating: 0, count: 31) + [UInt8(40 + $0)]) }
        let set = ValidatorSet(keys.map { KoinosAddress(publicKey: $0.publicKey).bytes })
        let responder = try await LoopbackValidator.start(key: keys[0], set: set)
        let asker = try await LoopbackValidator.start(key: keys[1], set: set)
        let (attacker, attackerGossip, _, attackerRun) = try await CatchUpResponseCapTests.host()
        defer {
            attackerRun.cancel()
            Task { await responder.stop(); await asker.stop(); await attacker.shutdown() }
        }
        _ = try await asker.host.connect(responder.address)
        _ = try await attacker.connect(responder.address)
        #expect(try await eventually {
            await asker.endpoint.publishHeartbeat(ethereumCursor: 1)
            await responder.endpoint.publishHeartbeat(ethereumCursor: 1)
            return responder.endpoint.boundPeer(of: KoinosAddress(publicKey: keys[1].publicKey).bytes) != nil
        })
        // Both sign one lock: quorum (v1, N = 2 → Q = 2) stored at the responder.
        let observation = ObservationFixtures.observation(400)
        for node in [responder, asker] { try await node.database.insertObservationFixtures([observation], atMilliseconds: SystemBridgeClock().nowMilliseconds) }
        #expect(try await eventually {
            for node in [responder, asker] { await node.aggregator.step() }
            return try await responder.database.attestationStatus(of: observation.id) == .quorum
        })

        // The asker's request, as it goes over the wire to the responder.
        let request = try BridgeEnvelope.seal(
            .catchUpRequest(sinceMilliseconds: 0, limit: 100, nonce: Array(repeating: 5, count: 16), responder: responder.host.peerID.description),
            signer: Secp256k1AttestationSigner(key: keys[1]), timestampMilliseconds: SystemBridgeClock().nowMilliseconds, hashing: ChainHashing())
        let honest = Libp2pBridgeTransport(gossipsub: asker.gossipsub)
        let answer = try #require(await honest.request(request, to: responder.host.peerID.description, maxBytes: 1 << 20))
        #expect(answer.count == 1, "the asker's own request is answered")

        let stranger = Libp2pBridgeTransport(gossipsub: attackerGossip)
        for _ in 0..<3 {
            #expect(await stranger.request(request, to: responder.host.peerID.description, maxBytes: 1 << 20) ?? [] == [])
        }
        #expect(await honest.request(request, to: responder.host.peerID.description, maxBytes: 1 << 20) ?? [] == [], "same nonce again")
        let counts = responder.endpoint.outcomeCounts()
        #expect(counts["catch_up.answered"] == 1)
        #expect(counts["catch_up.ignore.unbound_peer"] == 3)
        #expect(counts["catch_up.ignore.replayed"] == 1)
    }
}
