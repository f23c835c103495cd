// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeEthereum
import BridgeSigning
import ChainCrypto
import Ethereum
import Testing

/// `EthereumSubmissionPlanner` alone: virtual time, no node. Rotation and takeover, the v2
/// relayer rule and policy, the exact signature set, fee caps and bumps, and what the receipts of
/// an in-flight transaction lead to (final, reverted, stuck, nonce used elsewhere).
@Suite struct SenderPlannerTests {
    static let keys = (1...4).map { i in try! Secp256k1.PrivateKey(rawRepresentation: [UInt8](repeating: 0, count: 31) + [UInt8(0x40 + i)]) }
    static let addresses = keys.map { EthereumAddress(publicKey: $0.publicKey).bytes }
    static let validators = ValidatorSet(addresses)
    static let bridge = [UInt8](repeating: 0xbb, count: 20)
    static let now: UInt64 = 1_800_000_000_000

    static func configuration(key: Secp256k1.PrivateKey = keys[0], profile: ContractProfile = .v2) -> EthereumSenderConfiguration {
        var c = EthereumSenderConfiguration(
            bridge: bridge, profile: profile, chainID: 1337, key: key, maxFeePerGas: 100_000_000_000, maxPriorityFeePerGas: 2_000_000_000)
        c.takeoverTimeoutMs = 60_000
        c.bumpAfterMs = 30_000
        return c
    }

    static func transfer(profile: ContractProfile = .v2, relayer: [UInt8] = addresses[0], signers: [Int] = [0, 1, 2, 3], id: String = "koinos:1") -> CompletableTransfer {
        let m = EthereumTransferMessage(
            profile: profile, koinosTransactionID: [0x12, 0x20] + [UInt8](repeating: 7, count: 32), operationID: 1,
            token: [UInt8](repeating: 0xcc, count: 20), relayer: relayer, recipient: [UInt8](repeating: 0xdd, count: 20), value: 5_000,
            bridge: bridge, expiration: now + 3_600_000, chainID: 2)
        let sigs = signers.map { i in ValidatorSignature(validator: addresses[i], signature: try! EthereumSignature.sign(digest: m.digest, key: keys[i])) }
        return CompletableTransfer(id: id, message: m, signatures: sigs, quorumAtMs: now)
    }

    static func record(_ status: DeliveryRecord.Status = .pending) -> DeliveryRecord { DeliveryRecord(transferID: "koinos:1", status: status, updatedAtMs: now) }

    @Test func exactlyQuorumSignaturesOfDistinctCurrentValidatorsSortedByAddress() throws {
        var t = Self.transfer()
        // A non-validator's signature, a duplicate, and one claiming the wrong validator are all dropped.
        let outsider = try Secp256k1.PrivateKey(rawRepresentation: [UInt8](repeating: 0, count: 31) + [0x77])
        t.signatures.insert(ValidatorSignature(validator: EthereumAddress(publicKey: outsider.publicKey).bytes,
                                               signature: try EthereumSignature.sign(digest: t.message.digest, key: outsider)), at: 0)
        t.signatures.insert(ValidatorSignature(validator: Self.addresses[3], signature: t.signatures[1].signature), at: 0)
        t.signatures.append(t.signatures[2])
        let chosen = try #require(EthereumSubmissionPlanner.submissionSignatures(t, validators: Self.validators))
        #expect(chosen.count == Quorum.required(validatorCount: 4, profile: .v2))
        let signers = chosen.map { EthereumSignature.recoverAddress(digest: t.message.digest, signature: $0)!.bytes }
        #expect(signers == Self.addresses.sorted { $0.lexicographicallyPrecedes($1) }.prefix(chosen.count).map { $0 })
        #expect(Set(signers).count == signers.count)
        // Too few valid ones: nil, and the step parks with the reason.
        let few = Self.transfer(signers: [0])
        #expect(EthereumSubmissionPlanner.submissionSignatures(few, validators: Self.validators) == nil)
        let step = EthereumSubmissionPlanner(configuration: Self.configuration()).step(for: few, record: Self.record(), validators: Self.validators, nowMs: Self.now)
        guard case .park(let reason, _) = step else { Issue.record("expected park, got \(step)"); return }
        #expect(reason.contains("fewer than Q(N) = 3"))
    }

    @Test func v2SendsOnlyTransfersNamingThisNodeAndPolicyNoneNeverSends() {
        let planner = EthereumSubmissionPlanner(configuration: Self.configuration())
        let mine = Self.transfer(relayer: Self.addresses[0])
        guard case .send(let sigs) = planner.step(for: mine, record: Self.record(), validators: Self.validators, nowMs: Self.now) else {
            Issue.record("our own relayer transfer is sent at once"); return
        }
        #expect(sigs.count == 3)
        let theirs = Self.transfer(relayer: Self.addresses[1])
        guard case .watch(let reason, _) = planner.step(for: theirs, record: Self.record(), validators: Self.validators, nowMs: Self.now) else {
            Issue.record("another relayer's transfer is only watched"); return
        }
        #expect(reason.contains("another relayer"))
        var none = Self.configuration()
        none.policy = .none
        guard case .watch = EthereumSubmissionPlanner(configuration: none).step(for: mine, record: Self.record(), validators: Self.validators, nowMs: Self.now) else {
            Issue.record("policy none never sends"); return
        }
    }

    @Test func v1RotationLetsOneValidatorSendAndTheNextTakeOverAfterTheTimeout() {
        let t = Self.transfer(profile: .v1, relayer: [UInt8](repeating: 0, count: 20))
        func sends(_ index: Int, at now: UInt64) -> Bool {
            let planner = EthereumSubmissionPlanner(configuration: Self.configuration(key: Self.keys[index], profile: .v1))
            if case .send = planner.step(for: t, record: Self.record(), validators: Self.validators, nowMs: now) { return true }
            return false
        }
        let first = SubmitterRotation.firstIndex(observationID: t.id, validatorCount: 4)
        let order = (0..<4).map { Self.validators.addresses[(first + $0) % 4] }.map { a in Self.addresses.firstIndex(of: a)! }
        #expect(order.filter { sends($0, at: Self.now) } == [order[0]], "exactly one sender at the start")
        #expect(order.filter { sends($0, at: Self.now + 59_999) } == [order[0]])
        #expect(order.filter { sends($0, at: Self.now + 60_000) } == [order[0], order[1]], "the next takes over after the timeout")
        #expect(order.filter { sends($0, at: Self.now + 180_000) }.count == 4)
        // A node outside the set never sends.
        let outsider = try! Secp256k1.PrivateKey(rawRepresentation: [UInt8](repeating: 0, count: 31) + [0x77])
        let step = EthereumSubmissionPlanner(configuration: Self.configuration(key: outsider, profile: .v1))
            .step(for: t, record: Self.record(), validators: Self.validators, nowMs: Self.now + 1_000_000)
        #expect(step == .watch(reason: "this node is not a current validator", retryAtMs: Self.now + 1_010_000))
    }

    @Test func completedDueInFlightExpiredAndOtherBridgeSteps() {
        let planner = EthereumSubmissionPlanner(configuration: Self.configuration())
        let t = Self.transfer()
        #expect(planner.step(for: t, record: Self.record(.completed), validators: Self.validators, nowMs: Self.now) == .nothing)
        #expect(planner.step(for: t, record: Self.record(.sent), validators: Self.validators, nowMs: Self.now) == .follow)
        #expect(planner.step(for: t, record: Self.record(.included), validators: Self.validators, nowMs: Self.now) == .follow)
        var later = Self.record(.failed)
        later.nextAttemptAtMs = Self.now + 1
        #expect(planner.step(for: t, record: later, validators: Self.validators, nowMs: Self.now) == .nothing)
        var exhausted = Self.record(.failed)
        exhausted.attempts = 3
        exhausted.lastError = "execution reverted: token is not supported"
        guard case .watch(let why, _) = planner.step(for: t, record: exhausted, validators: Self.validators, nowMs: Self.now) else { Issue.record("gave up"); return }
        #expect(why.contains("gave up after 3 attempts: execution reverted: token is not supported"))
        guard case .park(let expired, _) = planner.step(for: t, record: Self.record(), validators: Self.validators, nowMs: t.message.expiration + 1) else {
            Issue.record("expired signatures are not sent"); return
        }
        #expect(expired.contains("RequestNewSignatures"))
        var other = t
        other.message.bridge = [UInt8](repeating: 0xee, count: 20)
        guard case .park = planner.step(for: other, record: Self.record(), validators: Self.validators, nowMs: Self.now) else { Issue.record("other bridge"); return }
    }

    @Test func feesStayWithinTheCapsAndABumpRaisesBothByAtLeastTenPercent() throws {
        let planner = EthereumSubmissionPlanner(configuration: Self.configuration())
        let first = planner.initialFees(baseFee: 10_000_000_000, suggestedTip: 1_000_000_000)
        #expect(first == TransactionFees(maxFeePerGas: 21_000_000_000, maxPriorityFeePerGas: 1_000_000_000))
        #expect(planner.initialFees(baseFee: 10_000_000_000, suggestedTip: 9_000_000_000).maxPriorityFeePerGas == 2_000_000_000, "tip capped")
        #expect(planner.initialFees(baseFee: 80_000_000_000, suggestedTip: 2_000_000_000).maxFeePerGas == 100_000_000_000, "max fee capped")
        #expect(planner.initialFees(baseFee: UInt64.max, suggestedTip: nil).maxFeePerGas == 100_000_000_000, "no overflow")
        let bumped = try #require(planner.bumpedFees(previous: first, baseFee: 10_000_000_000, suggestedTip: 1_000_000_000))
        #expect(bumped.maxFeePerGas * 100 >= first.maxFeePerGas * 110 && bumped.maxPriorityFeePerGas * 100 >= first.maxPriorityFeePerGas * 110)
        #expect(bumped == TransactionFees(maxFeePerGas: 23_520_000_000, maxPriorityFeePerGas: 1_120_000_000))
        // A base fee that rose meanwhile lifts the max fee further; the caps stop further bumps.
        #expect(try #require(planner.bumpedFees(previous: first, baseFee: 20_000_000_000, suggestedTip: 2_000_000_000)).maxFeePerGas == 42_000_000_000)
        #expect(planner.initialFees(baseFee: 10_000_000_000, suggestedTip: nil) == TransactionFees(maxFeePerGas: 21_000_000_000, maxPriorityFeePerGas: 1_000_000_000),
                "no suggestion from the node: the default tip")
        let atCap = TransactionFees(maxFeePerGas: 95_000_000_000, maxPriorityFeePerGas: 1_000_000_000)
        #expect(planner.bumpedFees(previous: atCap, baseFee: 1, suggestedTip: nil) == nil)
    }

    @Test func anInFlightTransactionIsFollowedToFinalityBumpedWhenStuckAndStartedOverWhenItsNonceIsUsed() {
        let planner = EthereumSubmissionPlanner(configuration: Self.configuration())
        var r = Self.record(.sent)
        r.nonce = 7
        r.transactionHashes = [[1]]
        r.sentAtMs = Self.now
        r.maxFeePerGas = 21_000_000_000
        r.maxPriorityFeePerGas = 1_000_000_000
        func decide(_ receipt: InFlightView.Receipt?, head: UInt64 = 100, mined: UInt64 = 7, at now: UInt64 = Self.now + 1_000) -> FollowDecision {
            planner.follow(record: r, view: InFlightView(receipt: receipt, head: head, finalized: nil, minedNonce: mined), baseFee: 10_000_000_000,
                           suggestedTip: 1_000_000_000, nowMs: now)
        }
        let ok = InFlightView.Receipt(transactionHash: [1], blockNumber: 99, succeeded: true)
        #expect(decide(ok, head: 99) == .included(blockNumber: 99))
        #expect(decide(ok, head: 100) == .included(blockNumber: 99))
        #expect(decide(ok, head: 101) == .final(transactionHash: [1], blockNumber: 99), "3 confirmations")
        #expect(decide(InFlightView.Receipt(transactionHash: [1], blockNumber: 99, succeeded: false)) == .reverted(transactionHash: [1], blockNumber: 99))
        #expect(decide(nil) == .wait)
        #expect(decide(nil, at: Self.now + 30_000) == .bump(TransactionFees(maxFeePerGas: 23_520_000_000, maxPriorityFeePerGas: 1_120_000_000)))
        #expect(decide(nil, mined: 8) == .nonceUsedElsewhere, "the nonce was consumed without a receipt of ours")
        r.maxFeePerGas = 99_000_000_000
        #expect(decide(nil, at: Self.now + 30_000) == .stuckAtCap)
        var byTag = Self.configuration()
        byTag.finality = .finalizedTag
        let tagged = EthereumSubmissionPlanner(configuration: byTag)
        #expect(tagged.follow(record: r, view: InFlightView(receipt: ok, head: 200, finalized: 98, minedNonce: 8), baseFee: 1, suggestedTip: nil, nowMs: Self.now)
            == .included(blockNumber: 99))
        #expect(tagged.follow(record: r, view: InFlightView(receipt: ok, head: 200, finalized: 99, minedNonce: 8), baseFee: 1, suggestedTip: nil, nowMs: Self.now)
            == .final(transactionHash: [1], blockNumber: 99))
    }

    @Test func completeTransferCalldataHasTheSpecSelectors() {
        #expect(BridgeContractCalls.completeTransferV1.selector == [0x05, 0xb1, 0x8e, 0x03])
        #expect(BridgeContractCalls.completeTransferV2.selector == [0x83, 0x92, 0xe8, 0x8b])
        let t = Self.transfer()
        let data = BridgeContractCalls.completeTransfer(t.message, signatures: [[1], [2]])
        #expect(data.prefix(4) == [0x83, 0x92, 0xe8, 0x8b])
    }
}
