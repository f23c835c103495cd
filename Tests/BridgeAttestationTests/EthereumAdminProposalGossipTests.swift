// SPDX-License-Identifier: Apache-2.0
import BridgeAttestation
import BridgeCore
import BridgeGossip
import BridgeSigning
import BridgeStore
import BridgeTesting
import ChainCrypto
import MetricsTestKit
import Synchronization
import Testing

/// Ethereum proposals between in-process validators over signed envelopes: a tampered one is
/// refused by every node and counted; an approval signature that does not recover to its claimed
/// Ethereum validator is rejected by the endpoint; a stale one is refused before submit.
@Suite struct EthereumAdminProposalGossipTests {
    let bridge = [UInt8](repeating: 0x55, count: 20)

    func services(
        _ net: ValidatorNetworkHarness, contract: AdminProposalGossipTests.CountingContract, metrics: TestMetrics = TestMetrics()
    ) -> [AdminProposalService] {
        let set = ValidatorSet(net.keys.map { EthereumAddress(publicKey: $0.publicKey).bytes })
        return net.nodes.enumerated().map { index, node in
            AdminProposalService(
                repository: SQLiteAdminProposalRepository(node.database), adminSigner: AdminKeySigner(key: net.keys[index], chain: .ethereum), gossip: node.endpoint,
                contract: contract, clock: net.clock, hashing: ChainHashing(), validators: set,
                configuration: AdminProposalPoolConfiguration(profile: .v2, contract: bridge, chain: 7, adminChain: .ethereum),
                metricsFactory: metrics)
        }
    }

    func ethereumAddress(_ net: ValidatorNetworkHarness, _ index: Int) -> [UInt8] { EthereumAddress(publicKey: net.keys[index].publicKey).bytes }

    @Test func proposedAndApprovedOverGossipToTheEthereumQuorum() async throws {
        let net = try ValidatorNetworkHarness(count: 4)
        await net.exchangeHeartbeats()
        let contract = AdminProposalGossipTests.CountingContract()
        let services = services(net, contract: contract)
        let streams = net.nodes.map { $0.endpoint.inboundAdminProposals(for: .ethereum).makeAsyncIterator() }
        let proposed = try await services[0].propose(.addValidator, address: [UInt8](repeating: 0x77, count: 20), lifetimeMilliseconds: 600_000)
        #expect(proposed.proposal.chain == .ethereum && proposed.proposal.proposer == ethereumAddress(net, 0))
        await AdminProposalGossipTests.pump(net, services, streams: streams)
        _ = try await services[1].approve(proposed.proposal.id)
        await AdminProposalGossipTests.pump(net, services, streams: streams)
        _ = try await services[2].approve(proposed.proposal.id)
        await AdminProposalGossipTests.pump(net, services, streams: streams)
        let state = try await services[3].proposal(proposed.proposal.id)
        #expect(state.isReady && state.signatures.count == 3, "node 3 holds the Ethereum quorum without signing")
        for signature in state.signatures {
            #expect(EthereumSignature.recoverAddress(digest: state.proposal.digest, signature: signature.signature)?.bytes == signature.validator)
        }
        // Stored with its chain; after a restart the Ethereum service takes it back, the Koinos one does not.
        #expect(try await net.nodes[3].database.adminProposals().map(\.proposal.chain) == [.ethereum])
        let restarted = self.services(net, contract: contract)[3]
        try await restarted.restore()
        #expect(try await restarted.proposal(proposed.proposal.id).isReady)
        let koinosSide = AdminProposalService(
            repository: SQLiteAdminProposalRepository(net.nodes[3].database), signer: net.nodes[3].signer, gossip: net.nodes[3].endpoint, contract: contract, clock: net.clock,
            hashing: ChainHashing(), validators: net.validatorSet,
            configuration: AdminProposalPoolConfiguration(profile: .v1, contract: [0] + [UInt8](repeating: 3, count: 24)))
        try await koinosSide.restore()
        #expect(await koinosSide.proposals().isEmpty)
    }

    @Test func tamperedEthereumProposalIsRefusedByEveryNodeAndCounted() async throws {
        let net = try ValidatorNetworkHarness(count: 4)
        await net.exchangeHeartbeats()
        let metrics = TestMetrics()
        let services = services(net, contract: AdminProposalGossipTests.CountingContract(), metrics: metrics)
        let streams = net.nodes.map { $0.endpoint.inboundAdminProposals(for: .ethereum).makeAsyncIterator() }
        let honest = AdminActionMessage(
            profile: .v2, action: .removeValidator, target: .address(ethereumAddress(net, 2)), nonce: 1, contract: bridge,
            expiration: net.clock.nowMilliseconds + 60_000, chain: 7)
        var proposal = AdminProposal(
            message: honest, proposer: ethereumAddress(net, 1), proposedAtMilliseconds: net.clock.nowMilliseconds, hashing: ChainHashing(), chain: .ethereum)
        let signature = try EthereumSignature.sign(digest: proposal.digest, key: net.keys[1])
        proposal.message.target = .address(ethereumAddress(net, 3))  // shown to operators: "remove validator 3"
        let bytes = try BridgeEnvelope.seal(
            .adminProposal(SignedAdminProposal(proposal: proposal, signatures: [ValidatorSignature(validator: ethereumAddress(net, 1), signature: signature)])),
            signer: net.nodes[1].signer, timestampMilliseconds: net.clock.nowMilliseconds, hashing: ChainHashing())
        net.network.broadcast(bytes, from: net.nodes[1].peerID)
        await AdminProposalGossipTests.pump(net, services, streams: streams)
        for index in [0, 2, 3] {
            #expect(await services[index].proposals().isEmpty)
            #expect(try await net.nodes[index].database.adminProposals().isEmpty)
        }
        let refused = try metrics.expectCounter("bridge_admin_proposals_refused_total", [("reason", "digest_mismatch")])
        #expect(refused.totalValue == 3)
    }

    @Test func ethereumSignatureOfAnotherKeyIsRejectedOnTheWire() async throws {
        let net = try ValidatorNetworkHarness(count: 4)
        await net.exchangeHeartbeats()
        let message = AdminActionMessage(
            profile: .v2, action: .setPause, target: .pause(true), nonce: 1, contract: bridge, expiration: net.clock.nowMilliseconds + 60_000, chain: 7)
        let proposal = AdminProposal(message: message, proposer: ethereumAddress(net, 1), proposedAtMilliseconds: 0, hashing: ChainHashing(), chain: .ethereum)
        let own = try EthereumSignature.sign(digest: proposal.digest, key: net.keys[1])
        let good = SignedAdminProposal(proposal: proposal, signatures: [ValidatorSignature(validator: ethereumAddress(net, 1), signature: own)])
        let forged = SignedAdminProposal(proposal: proposal, signatures: good.signatures + [ValidatorSignature(validator: ethereumAddress(net, 2), signature: own)])
        #expect(try SignedAdminProposal(wireDecoding: good.wireEncoded()) == good, "the Ethereum form round-trips (20-byte addresses, chain field)")
        let seal = { (s: SignedAdminProposal) in
            try BridgeEnvelope.seal(.adminProposal(s), signer: net.nodes[1].signer, timestampMilliseconds: net.clock.nowMilliseconds, hashing: ChainHashing())
        }
        #expect(net.nodes[0].endpoint.receive(try seal(forged), from: net.nodes[1].peerID) == .reject(.badItemSignature))
        // A Koinos-form signature of the right key does not pass as an Ethereum one.
        let koinosForm = try KoinosSignature.sign(digest: proposal.digest, key: net.keys[1])
        let wrongForm = SignedAdminProposal(proposal: proposal, signatures: [ValidatorSignature(validator: ethereumAddress(net, 1), signature: koinosForm)])
        #expect(net.nodes[0].endpoint.receive(try seal(wrongForm), from: net.nodes[1].peerID) == .reject(.badItemSignature))
    }

    @Test func staleProposalIsRefusedBeforeSubmitDroppedAndCounted() async throws {
        let net = try ValidatorNetworkHarness(count: 4)
        await net.exchangeHeartbeats()
        let metrics = TestMetrics()
        let contract = AdminProposalGossipTests.CountingContract()
        let services = services(net, contract: contract, metrics: metrics)
        let streams = net.nodes.map { $0.endpoint.inboundAdminProposals(for: .ethereum).makeAsyncIterator() }
        let proposed = try await services[0].propose(.pause, address: nil, lifetimeMilliseconds: 600_000)
        await AdminProposalGossipTests.pump(net, services, streams: streams)
        for index in [1, 2] {
            _ = try await services[index].approve(proposed.proposal.id)
            await AdminProposalGossipTests.pump(net, services, streams: streams)
        }
        #expect(try await services[3].proposal(proposed.proposal.id).isReady)
        // Another admin call executed meanwhile: the contract's nonce is 2, the proposal names 1.
        contract.nonce.withLock { $0 = 2 }
        await #expect(throws: AdminCommandError.staleNonce(proposal: 1, contract: 2)) { try await services[3].submit(proposed.proposal.id) }
        #expect(contract.sent.withLock { $0.isEmpty }, "nothing sent to revert on chain")
        #expect(await services[3].proposals().isEmpty)
        #expect(try await net.nodes[3].database.adminProposals().isEmpty)
        // The others drop it at their next tick; a re-gossip of it is refused on receipt.
        for index in 0..<3 { await services[index].tick() }
        #expect(try metrics.expectCounter("bridge_admin_proposals_stale_total").totalValue == 4)
        net.clock.advance(milliseconds: 1_000)  // a new envelope, not a replay of the first publish
        let resent = try BridgeEnvelope.seal(
            .adminProposal(SignedAdminProposal(proposal: proposed.proposal, signatures: [
                ValidatorSignature(validator: ethereumAddress(net, 0), signature: try EthereumSignature.sign(digest: proposed.proposal.digest, key: net.keys[0])),
            ])),
            signer: net.nodes[0].signer, timestampMilliseconds: net.clock.nowMilliseconds, hashing: ChainHashing())
        net.network.broadcast(resent, from: net.nodes[0].peerID)
        await AdminProposalGossipTests.pump(net, services, streams: streams)
        #expect(try metrics.expectCounter("bridge_admin_proposals_refused_total", [("reason", "stale_nonce")]).totalValue == 3)
        for index in 1..<4 { #expect(await services[index].proposals().isEmpty) }
    }
}
