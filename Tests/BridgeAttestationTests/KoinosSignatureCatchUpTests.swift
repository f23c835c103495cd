// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeGossip
import BridgeKoinos
import BridgeSigning
import BridgeStore
import BridgeTesting
import ChainCrypto
import Testing

/// Catch-up of Koinos → Ethereum signatures between in-process validators (real SQLite stores,
/// real gossip endpoints on the in-memory network): a node that missed its peers' gossip asks them
/// for their signatures instead of waiting for the re-publication.
struct KoinosSignatureCatchUpTests {
    typealias G = KoinosSignatureGossipTests

    @Test func aNodeThatObservesLateReachesQuorumThroughCatchUpLongBeforeTheRepublish() async throws {
        let h = try ValidatorNetworkHarness(count: 3)
        let validators = G.ethereumAddresses(h.keys)
        let exchanges = G.exchanges(h)
        let digest = G.message().digest
        try await G.observe(h.nodes[1].database)
        try await G.observe(h.nodes[2].database)
        await h.exchangeHeartbeats()
        try await G.signAlone(exchanges[1], digest: digest, validators: validators)
        try await G.signAlone(exchanges[2], digest: digest, validators: validators)
        await h.pump()
        for i in 1...2 { #expect(try await exchanges[i].collectReceived(validators: validators) == [G.lock]) }
        // Node 0 had not observed the lock; its peers' signatures left its inbox (bounded) meanwhile.
        #expect(h.nodes[0].endpoint.koinosInboxCounts().held == 2)
        _ = h.nodes[0].endpoint.takeKoinosSignatures()

        try await G.observe(h.nodes[0].database)
        try await G.signAlone(exchanges[0], digest: digest, validators: validators)
        await h.pump()
        #expect(try await exchanges[0].collectReceived(validators: validators).isEmpty)
        #expect(try await exchanges[0].catchUp() == 0, "not before the short wait: the gossip usually arrives first")
        #expect(h.network.takeRequests().isEmpty)

        h.clock.advance(milliseconds: 2_000)  // far below the re-publication interval
        #expect(try await exchanges[0].catchUp() == 1)
        let requests = h.network.takeRequests()
        #expect(Set(requests.map(\.to)) == ["peer-1", "peer-2"] && requests.allSatisfy { $0.from == "peer-0" })
        #expect(try await exchanges[0].collectReceived(validators: validators) == [G.lock])
        try await G.expectQuorumSet(h.nodes[0].database, digest: digest, validators: validators)
        #expect(h.nodes[1].endpoint.outcomeCounts()["koinos_catch_up.answered"] == 1)
        #expect(h.nodes[0].endpoint.outcomeCounts()["koinos_catch_up.received"] == 2)
        // At quorum: nothing more is asked.
        h.clock.advance(milliseconds: 60_000)
        #expect(try await exchanges[0].catchUp() == 0)
    }

    /// A request for `digests` signed by `key`, addressed to `responder`.
    static func request(_ h: ValidatorNetworkHarness, key: Secp256k1.PrivateKey, digests: [[UInt8]], responder: String = "peer-1") throws -> [UInt8] {
        try BridgeEnvelope.seal(
            .koinosSignatureRequest(digests: digests, nonce: SecureRandom.bytes(16), responder: responder),
            signer: Secp256k1AttestationSigner(key: key), timestampMilliseconds: h.clock.nowMilliseconds, hashing: ChainHashing())
    }

    @Test func aFloodingValidatorIsRateLimitedAndOutsidersReplaysAndOversizedRequestsAreRefused() async throws {
        let h = try ValidatorNetworkHarness(count: 3)
        let validators = G.ethereumAddresses(h.keys)
        let exchanges = G.exchanges(h)
        let digest = G.message().digest
        try await G.observe(h.nodes[1].database)
        await h.exchangeHeartbeats()
        try await G.signAlone(exchanges[1], digest: digest, validators: validators)
        let responder = h.nodes[1].endpoint

        // The honest answer: node 1's own signature, in an ordinary kind-6 envelope it signed.
        let first = try #require(await h.network.request(try Self.request(h, key: h.keys[2], digests: [digest]), from: "peer-2", to: "peer-1"))
        let envelope = try BridgeEnvelope(decoding: try #require(first.first))
        #expect(first.count == 1 && envelope.kind == .koinosSignatures && envelope.validator == h.nodes[1].address)
        guard case .koinosSignatures(let items) = try BridgeMessage.decode(kind: envelope.kind, body: envelope.body, validator: envelope.validator)
        else { Issue.record("not signatures"); return }
        #expect(items.count == 1 && items.first?.digest == digest)
        #expect(EthereumSignature.recoverAddress(digest: digest, signature: items.first?.signature ?? [])?.bytes == validators[1])

        // A validator flooding requests (fresh nonces) gets the burst answered, then nothing.
        let burst = Int(responder.configuration.koinosCatchUpLimit.burst)
        var answered = 1
        for _ in 0..<50 {
            let answer = await h.network.request(try Self.request(h, key: h.keys[2], digests: [digest]), from: "peer-2", to: "peer-1")
            if answer?.isEmpty == false { answered += 1 }
        }
        #expect(answered == burst)
        #expect(responder.outcomeCounts()["koinos_catch_up.answered"] == burst)
        #expect(responder.outcomeCounts()["koinos_catch_up.ignore.rate_limited"] == 51 - burst)

        // A key outside the validator set, a validator's request from a peer it is not bound to,
        // a replayed request, one for another responder, one naming too many digests: no answer.
        h.clock.advance(milliseconds: 60_000)  // the validator's bucket is full again
        let outsider = Secp256k1.PrivateKey.generate()
        #expect(await h.network.request(try Self.request(h, key: outsider, digests: [digest]), from: "stranger", to: "peer-1") == [])
        #expect(await h.network.request(try Self.request(h, key: h.keys[0], digests: [digest]), from: "stranger", to: "peer-1") == [])
        let captured = try Self.request(h, key: h.keys[0], digests: [digest])
        #expect(await h.network.request(captured, from: "peer-0", to: "peer-1")?.count == 1)
        #expect(await h.network.request(captured, from: "peer-0", to: "peer-1") == [])
        #expect(await h.network.request(try Self.request(h, key: h.keys[0], digests: [digest], responder: "peer-2"), from: "peer-0", to: "peer-1") == [])
        let many = (0..<17).map { [UInt8](repeating: UInt8($0), count: 32) }
        #expect(await h.network.request(try Self.request(h, key: h.keys[0], digests: many), from: "peer-0", to: "peer-1") == [])
        let counts = responder.outcomeCounts()
        #expect(counts["koinos_catch_up.ignore.unknown_validator"] == 1)
        #expect(counts["koinos_catch_up.ignore.unbound_peer"] == 1)
        #expect(counts["koinos_catch_up.ignore.replayed"] == 1)
        #expect(counts["koinos_catch_up.ignore.wrong_responder"] == 1)
        #expect(counts["koinos_catch_up.reject.too_many_items"] == 1)
        // On the topic, a request is never acted on.
        h.network.broadcast(captured, from: "peer-0")
        await h.pump()
        #expect(responder.outcomeCounts()["ignore.unexpected_kind"] == 1)
    }

    @Test func theScheduleWaitsThenRetriesWithGrowingPausesAndForgetsWhatIsNoLongerPending() {
        var s = KoinosCatchUpSchedule()
        let a = [UInt8](repeating: 1, count: 32), b = [UInt8](repeating: 2, count: 32)
        #expect(s.due(pending: [a], nowMs: 0, limit: 16).isEmpty)
        #expect(s.due(pending: [a], nowMs: 1_999, limit: 16).isEmpty)
        #expect(s.due(pending: [a, b], nowMs: 2_000, limit: 16) == [a])  // b is new: its wait starts now
        #expect(s.due(pending: [a, b], nowMs: 4_000, limit: 16) == [b])
        #expect(s.due(pending: [a, b], nowMs: 6_999, limit: 16).isEmpty)
        #expect(s.due(pending: [a, b], nowMs: 7_000, limit: 1) == [a])  // limit: the longest pending first
        #expect(s.due(pending: [a, b], nowMs: 9_000, limit: 16) == [b])
        #expect(s.due(pending: [a, b], nowMs: 16_999, limit: 16).isEmpty)  // a's next pause is 10 s
        #expect(s.due(pending: [a, b], nowMs: 17_000, limit: 16) == [a])
        var asks = 3
        var now: UInt64 = 17_000
        while asks < 10, now < 1_000_000 {
            now += 1_000
            if s.due(pending: [a], nowMs: now, limit: 16) == [a] { asks += 1 }
        }
        #expect(asks == s.maxAsks, "at most maxAsks requests for one digest")
        #expect(s.tracked == 1, "b, no longer pending, is forgotten")
        #expect(s.due(pending: [], nowMs: now, limit: 16).isEmpty && s.tracked == 0)
    }
}
