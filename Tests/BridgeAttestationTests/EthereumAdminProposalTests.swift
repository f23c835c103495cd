// SPDX-License-Identifier: Apache-2.0
import BridgeAttestation
import BridgeCore
import BridgeSigning
import BridgeTesting
import ChainCrypto
import Testing

/// Admin proposals for the Ethereum bridge contract (issue 17): EIP-191 digests over the packed
/// values, signatures `r ‖ s ‖ v` recovering to the Ethereum contract's validators, and the
/// contract's nonce compared on receipt and before submit (both chains).
@Suite struct EthereumAdminProposalTests {
    let keys = (1...4).map { i in try! Secp256k1.PrivateKey(rawRepresentation: Array(repeating: 0, count: 31) + [UInt8(i)]) }
    var ethereumSigners: [AdminKeySigner] { keys.map { AdminKeySigner(key: $0, chain: .ethereum) } }
    var ethereumSet: ValidatorSet { ValidatorSet(ethereumSigners.map(\.adminAddress)) }
    let bridge = [UInt8](repeating: 0x55, count: 20)
    let newcomer = ChainHex.decode("0x7EB00942c7387da2Be7d5a65B50d9B82c0Db4cfc")!
    let clock = VirtualClock(startMilliseconds: 1_699_999_000_000)
    let hashing = ChainHashing()

    func pool(profile: ContractProfile = .v2) -> AdminProposalPool {
        AdminProposalPool(
            validators: ethereumSet, configuration: .init(profile: profile, contract: bridge, chain: 7, adminChain: .ethereum), hashing: hashing)
    }

    func message(nonce: UInt64 = 1, profile: ContractProfile = .v2) -> AdminActionMessage {
        AdminActionMessage(
            profile: profile, action: .addValidator, target: .address(newcomer), nonce: nonce, contract: bridge, expiration: 1_700_000_000_000,
            chain: profile == .v2 ? 7 : 0)
    }

    func proposal(_ message: AdminActionMessage, by index: Int = 0) -> AdminProposal {
        AdminProposal(
            message: message, proposer: ethereumSigners[index].adminAddress, proposedAtMilliseconds: clock.nowMilliseconds, hashing: hashing,
            chain: .ethereum)
    }

    func sign(_ proposal: AdminProposal, _ index: Int) -> ValidatorSignature {
        ValidatorSignature(validator: ethereumSigners[index].adminAddress, signature: try! ethereumSigners[index].signAdmin(digest: proposal.digest))
    }

    func refusals(_ actions: [AdminProposalPool.Action]) -> [AdminProposalRefusal] {
        actions.compactMap { if case .refused(let r) = $0 { r } else { nil } }
    }

    /// Any Koinos address stands for the gossip sender (the endpoint bound it to the Koinos set).
    var koinosSender: [UInt8] { KoinosAddress(publicKey: keys[0].publicKey).bytes }

    @Test func digestIsTheEthereumAddValidatorVector() {
        // bridge-contracts.md §2.8 vector F (Ethereum v1 addValidator): EIP-191 over keccak(packed).
        let v1 = AdminActionMessage(
            profile: .v1, action: .addValidator, target: .address(newcomer), nonce: 1, contract: bridge, expiration: 1_700_000_000_000)
        #expect(Hex.encode(hashing.keccak256(v1.ethereumPacked())) == "0xdf058b8ccc97fc417d4458f75072ea39c6151783d1e51a48ae6240435986633d")
        #expect(AdminProposal(message: v1, proposer: newcomer, proposedAtMilliseconds: 0, hashing: hashing, chain: .ethereum).id
            == "0x6160b1f0243e91efad7821575728a3b9912b3b92184c339f9ddb26d71708b899")
        // The Koinos digest of the same fields is another one: the chain decides the hashing.
        #expect(AdminProposal(message: v1, proposer: newcomer, proposedAtMilliseconds: 0, hashing: hashing).id
            != "0x6160b1f0243e91efad7821575728a3b9912b3b92184c339f9ddb26d71708b899")
    }

    @Test func ethereumSignaturesCountToTheContractsQuorum() {
        var pool = pool()
        let p = proposal(message())
        _ = pool.propose(p, own: sign(p, 0), atMilliseconds: clock.nowMilliseconds)
        _ = pool.receive(p, signatures: [sign(p, 1)], from: koinosSender, atMilliseconds: clock.nowMilliseconds)
        #expect(pool.proposal(p.digest)?.isReady == false)
        let actions = pool.receive(p, signatures: [sign(p, 2), sign(p, 3)], from: koinosSender, atMilliseconds: clock.nowMilliseconds)
        let ready = actions.compactMap { if case .ready(let s) = $0 { s } else { nil } }.first
        // v2: Q(4) = ⌊(5·4 + 10)/9⌋ = 3; exactly three, distinct, ascending by Ethereum address.
        #expect(ready?.required == 3)
        #expect(ready?.submissionSet?.count == 3)
        let addresses = ready?.submissionSet?.map(\.validator) ?? []
        #expect(addresses == addresses.sorted { $0.lexicographicallyPrecedes($1) } && Set(addresses).count == 3)
        #expect(addresses.allSatisfy { ethereumSet.contains($0) })
    }

    @Test func tamperedOrMisaddressedEthereumProposalsAreRefused() {
        var pool = pool()
        var p = proposal(message())
        let signature = sign(p, 1)
        p.message.target = .address([UInt8](repeating: 0x66, count: 20))
        #expect(refusals(pool.receive(p, signatures: [signature], from: koinosSender, atMilliseconds: clock.nowMilliseconds)) == [.digestMismatch])
        // The Koinos hashing claimed for the Ethereum contract.
        var koinosDigest = proposal(message())
        koinosDigest.digest = AdminProposal.expectedDigest(koinosDigest.message, chain: .koinos, hashing: hashing)
        #expect(refusals(pool.receive(koinosDigest, signatures: [sign(koinosDigest, 0)], from: koinosSender, atMilliseconds: clock.nowMilliseconds))
            == [.digestMismatch])
        // A Koinos proposal sent to the Ethereum pool; a proposer outside the Ethereum set.
        var koinos = proposal(message())
        koinos.chain = .koinos
        #expect(refusals(pool.receive(koinos, signatures: [sign(koinos, 0)], from: koinosSender, atMilliseconds: clock.nowMilliseconds)) == [.wrongContract])
        let outsider = AdminProposal(message: message(), proposer: newcomer, proposedAtMilliseconds: 0, hashing: hashing, chain: .ethereum)
        #expect(refusals(pool.receive(outsider, signatures: [], from: koinosSender, atMilliseconds: clock.nowMilliseconds)) == [.nonValidator])
        #expect(pool.proposals.isEmpty)
    }

    @Test func staleNonceIsRefusedOnReceiptAndHeldProposalsAreDropped() {
        for chain in AdminChain.allCases {
            var pool: AdminProposalPool
            var p: AdminProposal
            var own: ValidatorSignature
            var sender: [UInt8]
            switch chain {
            case .ethereum:
                pool = self.pool()
                p = proposal(message(nonce: 4))
                own = sign(p, 0)
                sender = koinosSender
            case .koinos:
                let signers = keys.map { AdminKeySigner(key: $0, chain: .koinos) }
                let contract = [UInt8](repeating: 0, count: 1) + [UInt8](repeating: 3, count: 24)
                pool = AdminProposalPool(
                    validators: ValidatorSet(signers.map(\.adminAddress)), configuration: .init(profile: .v1, contract: contract), hashing: hashing)
                let m = AdminActionMessage(
                    profile: .v1, action: .setPause, target: .pause(true), nonce: 4, contract: contract, expiration: 1_700_000_000_000)
                p = AdminProposal(message: m, proposer: signers[0].adminAddress, proposedAtMilliseconds: 0, hashing: hashing)
                own = ValidatorSignature(validator: signers[0].adminAddress, signature: try! signers[0].signAdmin(digest: p.digest))
                sender = signers[0].adminAddress
            }
            #expect(pool.updateChainNonce(4).isEmpty)
            #expect(refusals(pool.receive(p, signatures: [own], from: sender, atMilliseconds: clock.nowMilliseconds)).isEmpty, "\(chain)")
            // Another admin call executed: the contract is at 5, the held proposal can never execute.
            #expect(pool.updateChainNonce(5) == [.dropStale([p.digest])], "\(chain)")
            #expect(pool.proposals.isEmpty)
            #expect(refusals(pool.receive(p, signatures: [own], from: sender, atMilliseconds: clock.nowMilliseconds)) == [.staleNonce], "\(chain)")
            #expect(pool.proposals.isEmpty)
        }
    }
}
