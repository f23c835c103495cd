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

/// Admin proposals between in-process validators: real keys, real envelopes over the in-memory
/// topic, real SQLite; the Koinos contract is the counting port below (the simulator run is in
/// AdminSimulatorTests).
@Suite struct AdminProposalGossipTests {
    /// The contract's nonce and the calls sent, as a node would see them (no chain in this suite).
    final class CountingContract: AdminContractPort {
        let nonce = Mutex<UInt64>(1)
        let sent = Mutex<[AdminContractCall]>([])
        func currentNonce() async throws -> UInt64 { nonce.withLock { $0 } }
        func readyCall(_ state: AdminProposalState) -> AdminContractCall? {
            state.submissionSet.map { set in
                AdminContractCall(contract: state.proposal.message.contract, entryPoint: 1, arguments: set.flatMap(\.signature), method: "test")
            }
        }
        func submit(_ call: AdminContractCall) async throws -> [UInt8] {
            sent.withLock { $0.append(call) }
            return Array(repeating: 0xaa, count: 34)
        }
    }

    let contractID = KoinosAddress("1Fp3iNkmGKMPVdTpC7i3rttBBXVi7CDoX7")!.bytes
    let candidate = KoinosAddress("1NyaTjhcDQEZMGWSSmhEXZoP3G9NSQ7SZN")!.bytes

    func services(_ net: ValidatorNetworkHarness, contract: CountingContract, metrics: TestMetrics = TestMetrics()) -> [AdminProposalService] {
        net.nodes.map { node in
            AdminProposalService(
                repository: SQLiteAdminProposalRepository(node.database), signer: node.signer, gossip: node.endpoint, contract: contract, clock: net.clock,
                hashing: ChainHashing(), validators: net.validatorSet,
                configuration: AdminProposalPoolConfiguration(profile: .v1, contract: contractID), metricsFactory: metrics)
        }
    }

    /// Delivers every queued envelope; admin proposals go to each node's service.
    static func pump(_ net: ValidatorNetworkHarness, _ services: [AdminProposalService], streams: [AsyncStream<InboundAdminProposal>.Iterator]) async {
        var streams = streams
        for _ in 0..<10 {
            guard net.network.queuedCount > 0 else { return }
            for (index, node) in net.nodes.enumerated() {
                var accepted = 0
                for delivery in net.network.takeInbox(node.peerID) {
                    if node.endpoint.receive(delivery.bytes, from: delivery.from) == .accept([]) { accepted += 1 }
                }
                // Each accepted admin envelope yielded exactly one item (heartbeats were exchanged before).
                for _ in 0..<accepted {
                    guard let item = await streams[index].next() else { break }
                    await services[index].handle(item)
                }
            }
        }
    }

    @Test func addValidatorIsProposedApprovedByAQuorumAndSubmittedOnce() async throws {
        let net = try ValidatorNetworkHarness(count: 4)
        await net.exchangeHeartbeats()
        let contract = CountingContract()
        let services = services(net, contract: contract)
        let streams = net.nodes.map { $0.endpoint.inboundAdminProposals(for: .koinos).makeAsyncIterator() }
        let proposed = try await services[0].propose(.addValidator, address: candidate, lifetimeMilliseconds: 3_600_000)
        #expect(proposed.proposal.message.nonce == 1)
        #expect(proposed.signatures.count == 1)
        await Self.pump(net, services, streams: streams)
        // Everyone holds it; nobody signed it on receipt.
        for service in services[1...] {
            let held = try await service.proposal(proposed.proposal.id)
            #expect(held.signatures.map(\.validator) == [net.nodes[0].address])
        }
        // Below quorum nothing can be submitted.
        await #expect(throws: AdminCommandError.notReady(have: 1, required: 3)) { try await services[0].submit(proposed.proposal.id) }
        _ = try await services[1].approve(String(proposed.proposal.id.prefix(12)))
        await Self.pump(net, services, streams: streams)
        _ = try await services[2].approve(proposed.proposal.id)
        await Self.pump(net, services, streams: streams)
        for service in services {
            let state = try await service.proposal(proposed.proposal.id)
            #expect(state.isReady, "every node aggregates to Q(4) = 3")
            #expect(state.submissionSet?.count == 3)
        }
        let tx = try await services[3].submit(proposed.proposal.id)
        #expect(tx.count == 34)
        #expect(contract.sent.withLock { $0.count } == 1)
        // Stored, with every signature, and survives a restart.
        let stored = try await net.nodes[3].database.adminProposals()
        #expect(stored.first?.signatures.count == 3)
        #expect(stored.first?.submittedTransaction == tx)
        let restarted = AdminProposalService(
            repository: SQLiteAdminProposalRepository(net.nodes[3].database), signer: net.nodes[3].signer, gossip: net.nodes[3].endpoint, contract: contract, clock: net.clock,
            hashing: ChainHashing(), validators: net.validatorSet, configuration: AdminProposalPoolConfiguration(profile: .v1, contract: contractID))
        try await restarted.restore()
        #expect(try await restarted.proposal(proposed.proposal.id).isReady)
    }

    /// Validator 1 gossips a proposal whose decoded action differs from the digest it carries
    /// signatures for: every node refuses it and stores nothing.
    @Test func tamperedProposalOnTheWireIsRefusedAndNotStored() async throws {
        let net = try ValidatorNetworkHarness(count: 4)
        await net.exchangeHeartbeats()
        let metrics = TestMetrics()
        let services = services(net, contract: CountingContract(), metrics: metrics)
        let streams = net.nodes.map { $0.endpoint.inboundAdminProposals(for: .koinos).makeAsyncIterator() }
        let honest = AdminActionMessage(profile: .v1, action: .removeValidator, target: .address(net.nodes[2].address), nonce: 1,
                                        contract: contractID, expiration: net.clock.nowMilliseconds + 60_000)
        var proposal = AdminProposal(message: honest, proposer: net.nodes[1].address, proposedAtMilliseconds: net.clock.nowMilliseconds, hashing: ChainHashing())
        let signature = try KoinosSignature.sign(digest: proposal.digest, key: net.keys[1])
        proposal.message.target = .address(net.nodes[3].address)  // shown to operators: "remove validator 3"
        let bytes = try BridgeEnvelope.seal(
            .adminProposal(SignedAdminProposal(proposal: proposal, signatures: [ValidatorSignature(validator: net.nodes[1].address, signature: signature)])),
            signer: net.nodes[1].signer, timestampMilliseconds: net.clock.nowMilliseconds, hashing: ChainHashing())
        net.network.broadcast(bytes, from: net.nodes[1].peerID)
        await Self.pump(net, services, streams: streams)
        for index in [0, 2, 3] {
            #expect(await services[index].proposals().isEmpty)
            #expect(try await net.nodes[index].database.adminProposals().isEmpty)
        }
        // Counted once per receiving node (three of them share this metrics factory).
        let refused = try metrics.expectCounter("bridge_admin_proposals_refused_total", [("reason", "digest_mismatch")])
        #expect(refused.totalValue == 3)
    }

    /// A signature claimed for validator 2 but made by validator 1's key is rejected by the endpoint.
    @Test func forgedApprovalSignatureIsRejectedOnTheWire() async throws {
        let net = try ValidatorNetworkHarness(count: 4)
        await net.exchangeHeartbeats()
        let message = AdminActionMessage(profile: .v1, action: .setPause, target: .pause(true), nonce: 1, contract: contractID,
                                         expiration: net.clock.nowMilliseconds + 60_000)
        let proposal = AdminProposal(message: message, proposer: net.nodes[1].address, proposedAtMilliseconds: 0, hashing: ChainHashing())
        let own = try KoinosSignature.sign(digest: proposal.digest, key: net.keys[1])
        let signed = SignedAdminProposal(proposal: proposal, signatures: [
            ValidatorSignature(validator: net.nodes[1].address, signature: own),
            ValidatorSignature(validator: net.nodes[2].address, signature: own),
        ])
        let bytes = try BridgeEnvelope.seal(.adminProposal(signed), signer: net.nodes[1].signer, timestampMilliseconds: net.clock.nowMilliseconds, hashing: ChainHashing())
        #expect(net.nodes[0].endpoint.receive(bytes, from: net.nodes[1].peerID) == .reject(.badItemSignature))
    }

    @Test func wireFormRoundTripsAndRefusesBadFields() throws {
        let message = AdminActionMessage(profile: .v2, action: .setPause, target: .pause(false), nonce: 7, contract: contractID, expiration: 9, chain: 3)
        let signed = SignedAdminProposal(
            proposal: AdminProposal(message: message, proposer: candidate, proposedAtMilliseconds: 5, hashing: ChainHashing()),
            signatures: [ValidatorSignature(validator: candidate, signature: Array(repeating: 1, count: 65))])
        #expect(try SignedAdminProposal(wireDecoding: signed.wireEncoded()) == signed)
        var badAction = signed
        badAction.proposal.message.action = .completeTransfer
        #expect(try SignedAdminProposal(wireDecoding: badAction.wireEncoded()).proposal.message.action == .completeTransfer, "decodes; the pool refuses it")
        var shortContract = signed
        shortContract.proposal.message.contract = [1, 2]
        #expect(throws: BridgeGossipError.self) { try SignedAdminProposal(wireDecoding: shortContract.wireEncoded()) }
        #expect(throws: BridgeGossipError.self) { try SignedAdminProposal(wireDecoding: [0x10, 0x63]) }  // action 99
    }
}
