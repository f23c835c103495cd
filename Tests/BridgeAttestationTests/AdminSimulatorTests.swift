// SPDX-License-Identifier: Apache-2.0
import BridgeAttestation
import BridgeCore
import BridgeGossip
import BridgeKoinos
import BridgeSigning
import BridgeStore
import BridgeTesting
import ChainCrypto
import Foundation
import Koinos
import KoinosTestSupport
import Testing

/// issue 17 end to end: add-validator proposed by one validator, approved by a quorum of the
/// others (operator acts) over signed gossip envelopes, submitted to the Koinos simulator's bridge
/// contract and executed; the nodes follow the contract's new set without a restart.
@Suite(.serialized) struct AdminSimulatorTests {
    @Test func addValidatorApprovedByAQuorumIsExecutedOnTheSimulator() async throws {
        let net = try ValidatorNetworkHarness(count: 4)
        let newcomerKey = try Secp256k1.PrivateKey(rawRepresentation: Array(repeating: 7, count: 32))
        let newcomer = KoinosAddress(publicKey: newcomerKey.publicKey)
        var args = ["--profile", "v1", "--validators", net.validatorSet.addresses.map { Base58.encode($0) }.joined(separator: ","),
                    "--block-interval-ms", "0"]
        for address in net.validatorSet.addresses { args += ["--account", "\(Base58.encode(address)):5000000000"] }
        guard let sim = try await KoinosSimulatorProcess.start(args) else { return }
        do {
            try await run(sim, net: net, newcomer: newcomer)
        } catch {
            await sim.stop()
            throw error
        }
        await sim.stop()
    }

    func run(_ sim: KoinosSimulatorProcess, net: ValidatorNetworkHarness, newcomer: KoinosAddress) async throws {
        // Expirations are compared with the simulator's head time (the wall clock): the virtual
        // clock starts there.
        let wall = SystemBridgeClock().nowMilliseconds
        net.clock.advance(milliseconds: wall > net.clock.nowMilliseconds ? wall - net.clock.nowMilliseconds : 0)
        await net.exchangeHeartbeats()
        // Every node follows the contract's set as the running node does (KoinosValidatorSetSync).
        let sync = KoinosValidatorSetSync(rpc: sim.rpc, bridge: sim.bridge, version: .v1, fallback: net.validatorSet.addresses)
        try await sync.refresh(nowMs: 0)
        let services = net.nodes.enumerated().map { index, node in
            AdminProposalService(
                repository: SQLiteAdminProposalRepository(node.database), signer: node.signer, gossip: node.endpoint,
                contract: KoinosAdminContract(rpc: sim.rpc, contract: sim.bridge, profile: .v1, payerKey: net.keys[index], rcLimitCap: 50_000_000),
                clock: net.clock, hashing: ChainHashing(), validators: sync.current,
                configuration: AdminProposalPoolConfiguration(profile: .v1, contract: sim.bridge), validatorSource: { sync.current })
        }
        let streams = net.nodes.map { $0.endpoint.inboundAdminProposals(for: .koinos).makeAsyncIterator() }
        let before = try await sim.rpc.bridgeMetadata(bridge: sim.bridge, version: .v1)

        let proposed = try await services[0].propose(.addValidator, address: newcomer.bytes, lifetimeMilliseconds: 600_000)
        #expect(proposed.proposal.message.nonce == before.nonce, "the digest uses the contract's nonce read from the chain")
        let id = proposed.proposal.id
        await AdminProposalGossipTests.pump(net, services, streams: streams)
        #expect(try await services[3].proposal(id).signatures.count == 1, "received, not signed on receipt")
        // Below quorum the call is refused before anything reaches the chain.
        await #expect(throws: AdminCommandError.notReady(have: 1, required: 3)) { try await services[3].submit(id) }
        _ = try await services[1].approve(id)
        await AdminProposalGossipTests.pump(net, services, streams: streams)
        _ = try await services[2].approve(id)
        await AdminProposalGossipTests.pump(net, services, streams: streams)
        #expect(try await services[3].proposal(id).isReady)

        _ = try await services[3].submit(id)
        try await sim.produceBlock()
        let validators = try await sim.rpc.bridgeValidators(bridge: sim.bridge, seeds: net.validatorSet.addresses)
        #expect(validators.contains(newcomer.bytes), "the contract's validator set now holds the new validator")
        let after = try await sim.rpc.bridgeMetadata(bridge: sim.bridge, version: .v1)
        #expect(after.nonce == before.nonce + 1)
        #expect(after.validatorCount == 5)

        // The same signatures cannot execute again (the nonce moved on and the validator exists):
        // refused at submission or reverted in the block, the contract does not change.
        _ = try? await services[0].submit(id)
        try await sim.produceBlock()
        let replayed = try await sim.rpc.bridgeMetadata(bridge: sim.bridge, version: .v1)
        #expect(replayed.nonce == after.nonce)
        #expect(replayed.validatorCount == 5)

        // The running nodes take the new set at their next tick, without a restart.
        try await sync.refresh(nowMs: 1)
        for service in services { await service.tick() }
        // The executed proposal names the old nonce: every node dropped it as stale.
        for service in services { await #expect(throws: AdminCommandError.unknownProposal(id)) { try await service.proposal(id) } }
        let next = try await services[1].propose(.pause, address: nil, lifetimeMilliseconds: 60_000)
        #expect(next.proposal.message.nonce == after.nonce)
        #expect(next.required == 4, "Q(5) = 4 for proposals now")
    }
}
