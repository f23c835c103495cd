// SPDX-License-Identifier: Apache-2.0
import BridgeAttestation
import BridgeCore
import BridgeGossip
import BridgeSigning
import BridgeStore
import BridgeTesting
import Synchronization
import Testing

/// The Ethereum admin service reads the contract's validator set (N + 1 `eth_call`s) only when
/// the contract's nonce moved or the last read is a minute old — it used to read it every 5 s.
@Suite struct ContractValidatorRefreshTests {
    @Test func dueWhenNeverReadWhenTheNonceMovesAndAfterTheMaximumAge() {
        var refresh = ContractValidatorRefresh(maxAgeMilliseconds: 60_000)
        #expect(refresh.isDue(chainNonce: 3, atMilliseconds: 0))
        refresh.didRead(chainNonce: 3, atMilliseconds: 1_000)
        #expect(!refresh.isDue(chainNonce: 3, atMilliseconds: 60_999))
        #expect(refresh.isDue(chainNonce: nil, atMilliseconds: 2_000), "an unreadable nonce is no evidence the set is unchanged")
        #expect(refresh.isDue(chainNonce: 4, atMilliseconds: 1_001), "an admin action happened")
        #expect(refresh.isDue(chainNonce: 3, atMilliseconds: 61_000), "a re-org could swap actions at one nonce")
        #expect(refresh.isDue(chainNonce: 3, atMilliseconds: 999), "the clock went back")
        refresh.didRead(chainNonce: nil, atMilliseconds: 2_000)
        #expect(refresh.isDue(chainNonce: 3, atMilliseconds: 2_001), "read without knowing the nonce: the first known nonce is a change")
    }

    /// A contract whose nonce and set the test moves; counts the set reads as the chain would.
    final class ScriptedContract: AdminContractPort {
        let nonce = Mutex<UInt64>(1)
        let validators = Mutex<[[UInt8]]>([[UInt8](repeating: 1, count: 20)])
        let setReads = Mutex(0)
        func currentNonce() async throws -> UInt64 { nonce.withLock { $0 } }
        func readValidators() async throws -> ValidatorSet {
            setReads.withLock { $0 += 1 }
            return ValidatorSet(validators.withLock { $0 })
        }
        func readyCall(_ state: AdminProposalState) -> AdminContractCall? { nil }
        func submit(_ call: AdminContractCall) async throws -> [UInt8] { [] }
    }

    @Test func theServiceReadsTheSetOnlyWhenTheNonceMovesOrAMinutePassed() async throws {
        let net = try ValidatorNetworkHarness(count: 1)
        let contract = ScriptedContract()
        let node = net.nodes[0]
        let service = AdminProposalService(
            repository: SQLiteAdminProposalRepository(node.database), adminSigner: AdminKeySigner(key: net.keys[0], chain: .ethereum), gossip: node.endpoint,
            contract: contract, clock: net.clock, hashing: ChainHashing(), validators: ValidatorSet([]),
            configuration: AdminProposalPoolConfiguration(profile: .v1, contract: [UInt8](repeating: 0x55, count: 20), adminChain: .ethereum),
            validatorReader: { try await contract.readValidators() })
        for _ in 0..<12 {  // one minute of 5 s ticks, minus one
            await service.tick()
            net.clock.advance(milliseconds: 5_000)
        }
        #expect(contract.setReads.withLock { $0 } == 1, "the nonce did not move within the minute")
        contract.nonce.withLock { $0 = 2 }
        contract.validators.withLock { $0.append([UInt8](repeating: 2, count: 20)) }
        await service.tick()
        #expect(contract.setReads.withLock { $0 } == 2, "an admin action: read at once")
        net.clock.advance(milliseconds: 60_000)
        await service.tick()
        #expect(contract.setReads.withLock { $0 } == 3, "a minute old: read again")
    }
}
