// SPDX-License-Identifier: Apache-2.0
import BridgeAttestation
import BridgeCore
import BridgeEthereum
import BridgeKoinos
import BridgeSigning
import BridgeStore
import ChainCrypto
import Koinos
import KoinosTestSupport
import ProcessTestSupport
import ServiceLifecycle
import Testing

/// issue 17: add-validator proposed by one validator, approved by a quorum of the others through
/// their admin services (operator acts), submitted and executed by the Koinos simulator's bridge
/// contract; the new validator is in the contract's set afterwards and the shared nonce moved on.
@Suite(.serialized) struct AdminSimulatorTests {
    @Test func addValidatorApprovedByAQuorumIsExecutedOnTheSimulator() async throws {
        let keys = try (1...4).map { i in try Secp256k1.PrivateKey(rawRepresentation: Array(repeating: 0, count: 31) + [UInt8(40 + i)]) }
        let addresses = keys.map { KoinosAddress(publicKey: $0.publicKey) }
        let newcomerKey = try Secp256k1.PrivateKey(rawRepresentation: Array(repeating: 7, count: 32))
        let newcomer = KoinosAddress(publicKey: newcomerKey.publicKey)
        var args = ["--profile", "v1", "--validators", addresses.map(\.base58).joined(separator: ","), "--block-interval-ms", "0"]
        for address in addresses + [newcomer] { args += ["--account", "\(address.base58):5000000000"] }
        guard let sim = try await KoinosSimulatorProcess.start(args) else { return }
        do {
            try await run(sim, keys: keys + [newcomerKey], addresses: addresses, newcomer: newcomer)
        } catch {
            await sim.stop()
            throw error
        }
        await sim.stop()
    }

    func run(_ sim: KoinosSimulatorProcess, keys: [Secp256k1.PrivateKey], addresses: [KoinosAddress], newcomer: KoinosAddress) async throws {

        let topic = InMemoryAdminTopic()
        // Every node follows the contract's set as the running node does (KoinosValidatorSetSync).
        let sync = KoinosValidatorSetSync(rpc: sim.rpc, bridge: sim.bridge, version: .v1, fallback: addresses.map(\.bytes))
        try await sync.refresh(nowMs: 0)
        let services = try keys.map { key in
            let signer = Secp256k1AttestationSigner(key: key)
            return AdminProposalService(
                repository: try BridgeDatabase(), signer: signer, gossip: topic.port(for: signer.validatorAddress),
                contract: KoinosAdminContract(rpc: sim.rpc, contract: sim.bridge, profile: .v1, payerKey: key, rcLimitCap: 50_000_000),
                clock: SystemBridgeClock(), hashing: ChainHashing(), validators: sync.current,
                configuration: AdminProposalPoolConfiguration(profile: .v1, contract: sim.bridge), tickInterval: .milliseconds(50),
                validatorSource: { sync.current })
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for service in services { group.addTask { try await service.run() } }
            defer { group.cancelAll() }
            let before = try await sim.rpc.bridgeMetadata(bridge: sim.bridge, version: .v1)
            await #expect(throws: AdminCommandError.notAValidator) { try await services[4].propose(.pause, address: nil, lifetimeMilliseconds: 60_000) }
            let proposed = try await services[0].propose(.addValidator, address: newcomer.bytes, lifetimeMilliseconds: 600_000)
            #expect(proposed.proposal.message.nonce == before.nonce, "the digest uses the contract's nonce read from the chain")
            let id = proposed.proposal.id
            #expect(try await eventually(.seconds(10)) { (try? await services[3].proposal(id)) != nil })
            // Not at quorum yet: submitting is refused before anything reaches the chain.
            await #expect(throws: AdminCommandError.self) { try await services[3].submit(id) }
            _ = try await services[1].approve(id)
            _ = try await services[2].approve(id)
            #expect(try await eventually(.seconds(10)) { (try? await services[3].proposal(id))?.isReady == true })
            let state = try await services[3].proposal(id)
            #expect(state.required == 3)
            _ = try await services[3].submit(id)
            try await sim.produceBlock()
            let validators = try await sim.rpc.bridgeValidators(bridge: sim.bridge, seeds: addresses.map(\.bytes))
            #expect(validators.contains(newcomer.bytes), "the contract's validator set now holds the new validator")
            let after = try await sim.rpc.bridgeMetadata(bridge: sim.bridge, version: .v1)
            #expect(after.nonce == before.nonce + 1)
            #expect(after.validatorCount == 5)
            // The same signatures cannot be used again: the nonce moved on, so the digest differs
            // (the call is refused at submission or reverts in the block; either way nothing changes).
            _ = try? await services[0].submit(id)
            try await sim.produceBlock()
            let replayed = try await sim.rpc.bridgeMetadata(bridge: sim.bridge, version: .v1)
            #expect(replayed.nonce == after.nonce)
            #expect(replayed.validatorCount == 5)
            // The running nodes take the new set without a restart: the newcomer's node may now propose.
            try await sync.refresh(nowMs: 1)
            #expect(try await eventually(.seconds(10)) {
                (try? await services[4].propose(.pause, address: nil, lifetimeMilliseconds: 60_000))?.proposal.message.nonce == after.nonce
            })
            #expect(try await services[0].proposal(id).required == 4, "Q(5) = 4 for the open proposals now")
        }
    }
}
