// SPDX-License-Identifier: Apache-2.0
import BridgeAttestation
import BridgeCore
import BridgeGossip
import BridgeSigning
import BridgeStore
import ChainCrypto
import Testing
import BridgeTesting

/// H2: a captured catch-up request is worthless to anyone else, and a validator gets a bounded
/// number of answers whatever peer ids it uses.
@Suite struct CatchUpReplayTests {
    /// Seven validators; nodes 0…5 reached quorum on three locks node 6 did not see, then node 6 asks for them.
    static func network() async throws -> ValidatorNetworkHarness {
        let net = try ValidatorNetworkHarness(count: 7)
        await net.exchangeHeartbeats()
        let observations = (0..<3).map { ObservationFixtures.observation(300 + $0) }
        for node in net.nodes.prefix(6) {
            try await node.database.insertObservationFixtures(observations, atMilliseconds: net.clock.nowMilliseconds)
            try await node.aggregator.signPending()
        }
        await net.pump()
        return net
    }

    func request(_ net: ValidatorNetworkHarness, key: Int, responder: String, at time: UInt64? = nil, nonce: [UInt8] = Array(repeating: 9, count: 16)) throws -> [UInt8] {
        try BridgeEnvelope.seal(
            .catchUpRequest(sinceMilliseconds: 0, limit: 100, nonce: nonce, responder: responder),
            signer: Secp256k1AttestationSigner(key: net.keys[key]), timestampMilliseconds: time ?? net.clock.nowMilliseconds,
            hashing: ChainHashing())
    }

    @Test func aCapturedRequestIsNotAnsweredAgainFromAnyIdentityOrByAnotherResponder() async throws {
        let net = try await Self.network()
        let asker = net.nodes[6]
        let sets = await asker.endpoint.fetchMissedAttestations(sinceMilliseconds: 0)
        #expect(sets.count == 3, "the honest request is answered")
        let captured = try #require(net.network.takeRequests().first { $0.to == "peer-0" })
        #expect(captured.from == "peer-6")

        // Replayed from fresh identities (the attack): no answer, no store query.
        for i in 0..<5 {
            let answer = await net.network.request(captured.bytes, from: "stranger-\(i)", to: "peer-0")
            #expect(answer == [])
        }
        // Replayed from the bound peer itself (same nonce), and sent to another responder.
        #expect(await net.network.request(captured.bytes, from: "peer-6", to: "peer-0") == [])
        #expect(await net.network.request(captured.bytes, from: "peer-6", to: "peer-1") == [])
        // A request older than the window, and one in the old format without nonce/responder.
        net.clock.advance(milliseconds: 1_000)
        let stale = try request(net, key: 6, responder: "peer-0", at: net.clock.nowMilliseconds - 3 * 60_000)
        #expect(await net.network.request(stale, from: "peer-6", to: "peer-0") == [])
        let legacy = try BridgeEnvelope.seal(
            .catchUpRequest(sinceMilliseconds: 0, limit: 100), signer: Secp256k1AttestationSigner(key: net.keys[6]),
            timestampMilliseconds: net.clock.nowMilliseconds, hashing: ChainHashing())
        #expect(await net.network.request(legacy, from: "peer-6", to: "peer-0") == [])

        let counts = net.nodes[0].endpoint.outcomeCounts()
        #expect(counts["catch_up.answered"] == 1)
        #expect(counts["catch_up.ignore.unbound_peer"] == 5)
        #expect(counts["catch_up.ignore.replayed"] == 1)
        #expect(counts["catch_up.ignore.timestamp_out_of_window"] == 1)
        #expect(counts["catch_up.ignore.unbound_request"] == 1)
        #expect(net.nodes[1].endpoint.outcomeCounts()["catch_up.ignore.wrong_responder"] == 1)
    }

    @Test func theRateLimitFollowsTheValidatorNotItsPeerID() async throws {
        let net = try await Self.network()
        // Three fresh requests pass (burst 3), the fourth is limited.
        var answered = 0
        for n in 0..<4 {
            let fresh = try request(net, key: 6, responder: "peer-0", nonce: Array(repeating: UInt8(n), count: 16))
            if await net.network.request(fresh, from: "peer-6", to: "peer-0")?.isEmpty == false { answered += 1 }
        }
        #expect(answered == 3)
        // The validator moves to a new peer id (a valid, newer heartbeat): still limited.
        net.clock.advance(milliseconds: 1)
        let heartbeat = try BridgeEnvelope.seal(
            .heartbeat(peerID: "peer-6b", softwareVersion: "x", ethereumCursor: 1), signer: Secp256k1AttestationSigner(key: net.keys[6]),
            timestampMilliseconds: net.clock.nowMilliseconds, hashing: ChainHashing())
        #expect(net.nodes[0].endpoint.receive(heartbeat, from: "peer-6b").inbound != nil)
        #expect(net.nodes[0].endpoint.boundPeer(of: net.nodes[6].address) == "peer-6b")
        let moved = try request(net, key: 6, responder: "peer-0", nonce: Array(repeating: 0xee, count: 16))
        #expect(await net.network.request(moved, from: "peer-6b", to: "peer-0") == [])
        #expect(net.nodes[0].endpoint.outcomeCounts()["catch_up.ignore.rate_limited"] == 2)
    }

    @Test func theAskerKeepsABoundedNumberOfBytes() async throws {
        let net = try await Self.network()
        // The honest answer of each responder is one ~3 KB message; allow less than two of them in total.
        let probe = try #require(await net.network.request(try request(net, key: 6, responder: "peer-1"), from: "peer-6", to: "peer-1"))
        let one = try #require(probe.first).count
        var configuration = BridgeGossipConfiguration()
        configuration.maxCatchUpTotalBytes = one + one / 2
        let transport = net.network.transport(for: "peer-6")
        let endpoint = BridgeGossipEndpoint(
            signer: Secp256k1AttestationSigner(key: net.keys[6]), verifier: Secp256k1SignatureVerifier(), hashing: ChainHashing(),
            clock: net.clock, validators: net.validatorSet, transport: transport, configuration: configuration)
        let sets = await endpoint.fetchMissedAttestations(sinceMilliseconds: 0)
        #expect(sets.count == 3)
        #expect(net.network.takeRequests().filter { $0.from == "peer-6" }.count == 7, "the probe and all six peers")
        // Only the first answer fitted; the others were cut before they were kept or validated.
        #expect(endpoint.outcomeCounts()["accept_locally", default: 0] + endpoint.outcomeCounts()["accept", default: 0] == 1)
    }
}
