// SPDX-License-Identifier: Apache-2.0
import BridgeAttestation
import BridgeCore
import BridgeSigning
import BridgeTesting
import ChainCrypto
import Testing

/// The admin-proposal state machine with real keys and a virtual clock (no sockets): digests are
/// the contract's, hostile proposals are refused, signatures count to Q(N), expiry drops.
@Suite struct AdminProposalPoolTests {
    let keys = (1...4).map { i in try! Secp256k1.PrivateKey(rawRepresentation: Array(repeating: 0, count: 31) + [UInt8(i)]) }
    var signers: [Secp256k1AttestationSigner] { keys.map { Secp256k1AttestationSigner(key: $0) } }
    var set: ValidatorSet { ValidatorSet(signers.map(\.validatorAddress)) }
    let contract = KoinosAddress("1Fp3iNkmGKMPVdTpC7i3rttBBXVi7CDoX7")!.bytes
    let newValidator = KoinosAddress("1NyaTjhcDQEZMGWSSmhEXZoP3G9NSQ7SZN")!.bytes
    let clock = VirtualClock(startMilliseconds: 1_699_999_000_000)
    let hashing = ChainHashing()

    func pool(profile: ContractProfile = .v1) -> AdminProposalPool {
        AdminProposalPool(validators: set, configuration: .init(profile: profile, contract: contract), hashing: hashing)
    }

    func message(nonce: UInt64 = 1, expiration: UInt64 = 1_700_000_000_000, target: AdminActionMessage.Target? = nil) -> AdminActionMessage {
        let target = target ?? .address(newValidator)
        var action = BridgeAction.addValidator
        if case .pause = target { action = .setPause }
        return AdminActionMessage(profile: .v1, action: action, target: target, nonce: nonce, contract: contract, expiration: expiration)
    }

    func proposal(_ message: AdminActionMessage, by index: Int = 0) -> AdminProposal {
        AdminProposal(message: message, proposer: signers[index].validatorAddress, proposedAtMilliseconds: clock.nowMilliseconds, hashing: hashing)
    }

    func sign(_ proposal: AdminProposal, _ index: Int) -> ValidatorSignature {
        ValidatorSignature(validator: signers[index].validatorAddress, signature: try! signers[index].signKoinos(digest: proposal.digest))
    }

    func refusals(_ actions: [AdminProposalPool.Action]) -> [AdminProposalRefusal] {
        actions.compactMap { if case .refused(let r) = $0 { r } else { nil } }
    }

    func readies(_ actions: [AdminProposalPool.Action]) -> [AdminProposalState] {
        actions.compactMap { if case .ready(let s) = $0 { s } else { nil } }
    }

    @Test func digestIsTheContractsAddValidatorHash() {
        // bridge-contracts.md §2.8 vector E (the Koinos v1 add_validator digest).
        let p = proposal(message())
        #expect(p.id == "0xbb1d6b5c141b05148784743855406ce5f38b23c434ba1b9734a97fc20867887b")
        #expect(p.kind == .addValidator)
    }

    @Test func signaturesCountToQuorumAndTheCallCarriesExactlyQ() {
        var pool = pool()
        let p = proposal(message())
        let proposed = pool.propose(p, own: sign(p, 0), atMilliseconds: clock.nowMilliseconds)
        #expect(proposed.contains { if case .broadcast = $0 { true } else { false } })
        #expect(readies(proposed).isEmpty)
        // N = 4 → Q = 3 for v1. A second node sees it only after the operator approves it.
        #expect(readies(pool.approve(p.digest, own: sign(p, 1), atMilliseconds: clock.nowMilliseconds)).isEmpty)
        let ready = readies(pool.receive(p, signatures: [sign(p, 2), sign(p, 3)], from: signers[2].validatorAddress, atMilliseconds: clock.nowMilliseconds))
        let state = try! #require(ready.first)
        #expect(state.required == 3)
        #expect(state.signatures.count == 4)
        let call = try! #require(state.submissionSet)
        #expect(call.count == 3)
        #expect(call.map(\.validator) == Array(set.addresses.prefix(3)))
        for member in call {
            #expect(KoinosSignature.recoverAddress(digest: p.digest, signature: member.signature)?.bytes == member.validator)
        }
    }

    @Test func receivingAProposalNeverSignsItForUs() {
        var pool = pool()
        let p = proposal(message(), by: 1)
        _ = pool.receive(p, signatures: [sign(p, 1)], from: signers[1].validatorAddress, atMilliseconds: clock.nowMilliseconds)
        let held = try! #require(pool.proposal(p.digest))
        #expect(held.signatures.map(\.validator) == [signers[1].validatorAddress])
    }

    @Test func proposalFromANonValidatorIsIgnored() throws {
        var pool = pool()
        let outsider = Secp256k1AttestationSigner(key: try Secp256k1.PrivateKey(rawRepresentation: Array(repeating: 0, count: 31) + [9]))
        let p = AdminProposal(message: message(), proposer: outsider.validatorAddress, proposedAtMilliseconds: 0, hashing: hashing)
        let signature = ValidatorSignature(validator: outsider.validatorAddress, signature: try outsider.signKoinos(digest: p.digest))
        #expect(refusals(pool.receive(p, signatures: [signature], from: outsider.validatorAddress, atMilliseconds: clock.nowMilliseconds)) == [.nonValidator])
        // Relayed by a validator, the outsider's proposal is still refused.
        #expect(refusals(pool.receive(p, signatures: [signature], from: signers[0].validatorAddress, atMilliseconds: clock.nowMilliseconds)) == [.nonValidator])
        #expect(pool.proposals.isEmpty)
    }

    @Test func tamperedProposalIsRefused() {
        var pool = pool()
        // Signed digest of "add 1Nya…", but the decoded target says another address: a node
        // showing the decoded action to its operator would approve something else than it signs.
        var p = proposal(message())
        let signature = sign(p, 1)
        p.message.target = .address(signers[3].validatorAddress)
        #expect(refusals(pool.receive(p, signatures: [signature], from: signers[1].validatorAddress, atMilliseconds: clock.nowMilliseconds)) == [.digestMismatch])
        var nonce = proposal(message())
        nonce.message.nonce = 2
        #expect(refusals(pool.receive(nonce, signatures: [sign(nonce, 0)], from: signers[0].validatorAddress, atMilliseconds: clock.nowMilliseconds)) == [.digestMismatch])
        #expect(pool.proposals.isEmpty)
    }

    @Test func otherContractsProfilesAndNonAdminActionsAreRefused() {
        var pool = pool()
        var other = message()
        other.contract = newValidator
        let foreign = proposal(other)
        #expect(refusals(pool.receive(foreign, signatures: [sign(foreign, 0)], from: signers[0].validatorAddress, atMilliseconds: clock.nowMilliseconds)) == [.wrongContract])
        var transfer = message()
        transfer.action = .completeTransfer
        let t = proposal(transfer)
        #expect(refusals(pool.receive(t, signatures: [sign(t, 0)], from: signers[0].validatorAddress, atMilliseconds: clock.nowMilliseconds)) == [.notAdminAction])
        var v2 = message()
        v2.profile = .v2
        let p2 = proposal(v2)
        #expect(refusals(pool.receive(p2, signatures: [sign(p2, 0)], from: signers[0].validatorAddress, atMilliseconds: clock.nowMilliseconds)) == [.wrongContract])
    }

    @Test func proposalWithoutItsProposersSignatureIsRefused() {
        var pool = pool()
        let p = proposal(message(), by: 0)
        #expect(refusals(pool.receive(p, signatures: [sign(p, 1)], from: signers[1].validatorAddress, atMilliseconds: clock.nowMilliseconds)) == [.unsignedByProposer])
    }

    @Test func expiredProposalsAreRefusedAndDropped() {
        var pool = pool()
        let expiration: UInt64 = 1_700_000_000_000
        let late = proposal(message(expiration: clock.nowMilliseconds - 1))
        #expect(refusals(pool.receive(late, signatures: [sign(late, 0)], from: signers[0].validatorAddress, atMilliseconds: clock.nowMilliseconds)) == [.expired])
        let p = proposal(message(expiration: expiration))
        _ = pool.propose(p, own: sign(p, 0), atMilliseconds: clock.nowMilliseconds)
        // Still valid at its expiration (the contract compares expiration ≥ head time) …
        #expect(pool.tick(atMilliseconds: expiration) == [])
        #expect(pool.proposal(p.digest) != nil)
        // … gone one millisecond later, and can no longer be approved.
        #expect(pool.tick(atMilliseconds: expiration + 1) == [.dropExpired([p.digest])])
        #expect(refusals(pool.approve(p.digest, own: sign(p, 1), atMilliseconds: expiration + 1)) == [.unknownProposal])
        let farAhead = proposal(message(expiration: clock.nowMilliseconds + 8 * 24 * 3_600_000))
        #expect(refusals(pool.receive(farAhead, signatures: [sign(farAhead, 0)], from: signers[0].validatorAddress, atMilliseconds: clock.nowMilliseconds)) == [.tooLongLived])
    }

    @Test func oneValidatorCannotFillThePool() {
        var pool = pool()
        for nonce in 1...4 {
            let p = proposal(message(nonce: UInt64(nonce)), by: 3)
            #expect(refusals(pool.receive(p, signatures: [sign(p, 3)], from: signers[3].validatorAddress, atMilliseconds: clock.nowMilliseconds)).isEmpty)
        }
        let fifth = proposal(message(nonce: 5), by: 3)
        #expect(refusals(pool.receive(fifth, signatures: [sign(fifth, 3)], from: signers[3].validatorAddress, atMilliseconds: clock.nowMilliseconds)) == [.full])
        let other = proposal(message(nonce: 5), by: 0)
        #expect(refusals(pool.receive(other, signatures: [sign(other, 0)], from: signers[0].validatorAddress, atMilliseconds: clock.nowMilliseconds)).isEmpty)
    }

    @Test func removedValidatorsStopCountingAndPauseDecodes() {
        var pool = pool()
        let p = proposal(message(target: .pause(true)))
        #expect(p.kind == .pause)
        _ = pool.propose(p, own: sign(p, 0), atMilliseconds: clock.nowMilliseconds)
        _ = pool.receive(p, signatures: [sign(p, 1), sign(p, 2)], from: signers[1].validatorAddress, atMilliseconds: clock.nowMilliseconds)
        #expect(pool.proposal(p.digest)?.isReady == true)
        pool.updateValidators(ValidatorSet(Array(set.addresses.filter { $0 != signers[2].validatorAddress }) + [newValidator]))
        let after = try! #require(pool.proposal(p.digest))
        #expect(after.signatures.count == 2)
        #expect(after.required == 3)
        #expect(!after.isReady)
    }

    /// A proposal this node signed is gossiped again (10 s, 20 s, 40 s …), one it did not sign never,
    /// and nothing after this node submitted it.
    @Test func ownProposalsAreGossipedAgainWithBackoffUntilSubmitted() {
        var pool = pool()
        let mine = proposal(message(nonce: 1))
        let theirs = proposal(message(nonce: 2), by: 1)
        let t0 = clock.nowMilliseconds
        _ = pool.propose(mine, own: sign(mine, 0), atMilliseconds: t0)
        _ = pool.receive(theirs, signatures: [sign(theirs, 1)], from: signers[1].validatorAddress, atMilliseconds: t0)
        func sent(_ at: UInt64) -> [[UInt8]] {
            pool.rebroadcast(signedBy: signers[0].validatorAddress, atMilliseconds: at).compactMap {
                if case .broadcast(let s) = $0 { s.proposal.digest } else { nil }
            }
        }
        #expect(sent(t0).isEmpty, "scheduled, not sent, on the first tick")
        #expect(sent(t0 + 9_999).isEmpty)
        #expect(sent(t0 + 10_000) == [mine.digest])
        #expect(sent(t0 + 29_999).isEmpty)
        #expect(sent(t0 + 30_000) == [mine.digest])
        _ = pool.markSubmitted(mine.digest, transaction: [1])
        #expect(sent(t0 + 1_000_000).isEmpty)
    }
}
