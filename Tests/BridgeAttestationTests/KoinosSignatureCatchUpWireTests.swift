// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeGossip
import BridgeKoinos
import BridgeSigning
import BridgeStore
import ChainCrypto
import Libp2pHost
import Testing
import ProcessTestSupport

/// The Koinos → Ethereum signature catch-up on the real stack (TCP on 127.0.0.1, Noise, yamux,
/// `/koinos/bridge/1.0.0`): two validators that never gossiped their signatures reach the
/// contract's quorum (Q(2) = 2) only through the request and its answer.
@Suite(.serialized) struct KoinosSignatureCatchUpWireTests {
    typealias G = KoinosSignatureGossipTests

    @Test(.timeLimit(.minutes(1)))
    func aMissedSignatureIsFetchedOverTheBridgeStream() async throws {
        let keys = try (1...2).map { try Secp256k1.PrivateKey(rawRepresentation: Array(repeating: 0, count: 31) + [UInt8(60 + $0)]) }
        let set = ValidatorSet(keys.map { KoinosAddress(publicKey: $0.publicKey).bytes })
        let ethereumSet = G.ethereumAddresses(keys)
        let responder = try await LoopbackValidator.start(key: keys[0], set: set)
        let asker = try await LoopbackValidator.start(key: keys[1], set: set)
        defer { Task { await responder.stop(); await asker.stop() } }
        _ = try await asker.host.connect(responder.address)
        #expect(try await eventually {
            await asker.endpoint.publishHeartbeat(ethereumCursor: 1)
            await responder.endpoint.publishHeartbeat(ethereumCursor: 1)
            return responder.endpoint.boundPeer(of: KoinosAddress(publicKey: keys[1].publicKey).bytes) != nil
                && asker.endpoint.boundPeer(of: KoinosAddress(publicKey: keys[0].publicKey).bytes) != nil
        })
        var immediate = KoinosCatchUpSchedule()
        immediate.firstAfterMs = 0
        let exchanges = [responder, asker].enumerated().map { i, node in
            KoinosSignatureExchange(
                gossip: node.endpoint, signer: KoinosLockSigner(key: keys[i], profile: .v2, store: SQLiteKoinosSignatureStore(node.database), governorStore: SQLiteGovernorRepository(node.database), clock: SystemBridgeClock()),
                schedule: immediate)
        }
        // Both observe and sign; neither publishes (the gossip was missed).
        for node in [responder, asker] { try await G.observe(node.database) }
        for e in exchanges { #expect(try await e.signer.signPending(validators: ethereumSet).count == 1) }
        #expect(try await exchanges[1].collectReceived(validators: ethereumSet).isEmpty)

        #expect(try await exchanges[1].catchUp() == 1)
        #expect(asker.endpoint.outcomeCounts()["koinos_catch_up.received"] == 1)
        #expect(responder.endpoint.outcomeCounts()["koinos_catch_up.answered"] == 1)
        #expect(try await exchanges[1].collectReceived(validators: ethereumSet) == [G.lock])
        #expect(try await asker.database.koinosLock(G.lock)?.status == "quorum")
        let submission = try #require(try await asker.database.koinosSubmission(G.lock))
        #expect(Set(submission.compactMap { EthereumSignature.recoverAddress(digest: G.message().digest, signature: $0)?.bytes }) == Set(ethereumSet))
    }
}
