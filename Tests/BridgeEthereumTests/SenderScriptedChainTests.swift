// SPDX-License-Identifier: Apache-2.0
import BridgeCore
@testable import BridgeEthereum
import BridgeTesting
import Ethereum
import Testing

/// The Ethereum sender's interpreter against scripted endpoints (`ScriptedEthereumChain` over one
/// `ScriptedEthereumLedger` holding the bridge contract) on a virtual clock: what the devnet sender
/// tests check, without a process.
struct SenderScriptedChainTests {
    @Test func aTransferIsSentOnceFollowedToFinalityAndNeverSentAgain() async throws {
        let f = ScriptedSenderFixture()
        let t = try f.transfer("koinos:once", value: 12_345)
        let store = InMemoryDeliveryStore([t])
        let (sender, _) = f.sender(store)

        await sender.tick()
        let sent = try #require(await store.record(for: t.id))
        #expect(sent.status == .sent, "\(sent.lastError ?? "")")
        #expect(sent.nonce == 0)
        #expect(f.ledger.pending.map(\.hash) == [try #require(sent.transactionHashes.first)])
        #expect(f.ledger.pending.first?.from == f.me, "signed by the relayer key, sender recovered from the signature")

        await sender.tick()  // not mined yet: nothing new
        #expect(f.ledger.accepted.count == 1)
        #expect(await store.record(for: t.id)?.status == .sent)

        let (block, included) = f.ledger.minePending()
        #expect(included == sent.transactionHashes)
        await sender.tick()  // one confirmation of two
        #expect(await store.record(for: t.id)?.status == .included)
        #expect(await store.record(for: t.id)?.includedBlock == block)
        f.ledger.mine()
        await sender.tick()
        let done = try #require(await store.record(for: t.id))
        #expect(done.status == .completed)
        #expect(done.completingTransaction == sent.transactionHashes.first)
        #expect(f.contract.completions == 1)

        // Passes after completion, and a second node that never saw our row, send nothing.
        await sender.tick()
        let otherStore = InMemoryDeliveryStore([t])
        await f.sender(otherStore).0.tick()
        #expect(await otherStore.record(for: t.id)?.status == .completed)
        #expect(await otherStore.record(for: t.id)?.lastError == "already completed on Ethereum")
        #expect(f.ledger.accepted.count == 1, "one transaction in all")
        #expect(f.ledger.nonce(of: f.me, pending: true) == 1)
    }

    @Test func aNonceSpentElsewhereIsResyncedFromTheNodeAndTheTransferStillCompletesOnce() async throws {
        let f = ScriptedSenderFixture()
        let first = try f.transfer("koinos:n1", value: 10)
        let second = try f.transfer("koinos:n2", value: 20)
        let store = InMemoryDeliveryStore([first])
        let (sender, _) = f.sender(store)
        await sender.tick()
        #expect(await store.record(for: first.id)?.nonce == 0)
        f.ledger.minePending()
        // Another process spends the next nonce with the same key: our local counter (1) is stale.
        f.ledger.spendNonce(of: f.me)

        await store.add(second)
        await sender.tick()
        let r = try #require(await store.record(for: second.id))
        #expect(r.status == .sent, "\(r.lastError ?? "")")
        #expect(r.nonce == 2, "resynced past the foreign transaction")
        #expect(f.endpoints[0].calls(.sendRawTransaction) == 3, "the refused send at nonce 1, then nonce 2")
        #expect(f.ledger.accepted.count == 2)
        #expect(f.logs.contains("Nonce conflict; resyncing from the node"))

        f.ledger.minePending()
        f.ledger.mine()
        await sender.tick()
        #expect(await store.record(for: first.id)?.status == .completed)
        #expect(await store.record(for: second.id)?.status == .completed)
        #expect(f.contract.completions == 2)
    }

    @Test func aTransactionThatRevertsOnChainIsRecordedWithTheReasonAndNotResentBlindly() async throws {
        let f = ScriptedSenderFixture()
        let t = try f.transfer("koinos:revert", value: 5)
        let store = InMemoryDeliveryStore([t])
        let (sender, _) = f.sender(store)
        await sender.tick()
        let sent = try #require(await store.record(for: t.id)?.transactionHashes.first)

        f.contract.setPaused(true)  // after the estimate passed: the mined transaction reverts
        f.ledger.minePending()
        f.ledger.mine()
        await sender.tick()
        let failed = try #require(await store.record(for: t.id))
        #expect(failed.status == .failed)
        #expect(failed.lastError == "execution reverted: bridge is paused", "the reason read by replaying the call")
        #expect(failed.attempts == 1)
        #expect(failed.transactionHashes.isEmpty && failed.nonce == nil)
        let retryAt = try #require(failed.nextAttemptAtMs)
        #expect(retryAt > f.clock.nowMilliseconds)

        // Within the backoff: nothing is sent, however many passes.
        for _ in 0..<3 { await sender.tick() }
        #expect(f.ledger.accepted == [sent])

        // After it, still paused: the estimate refuses, nothing is sent, the attempt counts.
        f.clock.advance(milliseconds: retryAt - f.clock.nowMilliseconds)
        await sender.tick()
        #expect(f.ledger.accepted == [sent])
        let refused = try #require(await store.record(for: t.id))
        #expect(refused.attempts == 2)
        #expect(refused.lastError == "execution reverted: bridge is paused")

        // Unpaused and the backoff over: sent again at the next nonce, completed once.
        f.contract.setPaused(false)
        f.clock.advance(milliseconds: try #require(refused.nextAttemptAtMs) - f.clock.nowMilliseconds)
        await sender.tick()
        let again = try #require(await store.record(for: t.id))
        #expect(again.status == .sent, "\(again.lastError ?? "")")
        #expect(again.nonce == 1)
        f.ledger.minePending()
        f.ledger.mine()
        await sender.tick()
        #expect(await store.record(for: t.id)?.status == .completed)
        #expect(f.contract.completions == 1)
        #expect(f.ledger.accepted.count == 2)
    }

    @Test func aFaultyFirstEndpointFailsOverToTheSecondAndTheTransferCompletesOnce() async throws {
        let f = ScriptedSenderFixture(endpoints: 2)
        let t = try f.transfer("koinos:failover", value: 4_321)
        let store = InMemoryDeliveryStore([t])
        let (sender, pool) = f.sender(store)
        let methods: [ScriptedEthereumChain.Method] = [.bridgeValidatorSet, .call, .estimateGas, .latestBaseFee, .transactionCount, .sendRawTransaction]
        for method in methods { f.endpoints[0].failAlways(method) }

        await sender.tick()
        let r = try #require(await store.record(for: t.id))
        #expect(r.status == .sent, "\(r.lastError ?? "")")
        #expect(f.ledger.accepted == r.transactionHashes)
        #expect(f.endpoints[1].calls(.sendRawTransaction) == 1)
        let health = try #require(await pool?.healthSnapshot)
        #expect(health[0].totalErrors > 0, "the faulty endpoint is reported")
        #expect(health[1].totalErrors == 0)

        // Mined while the first endpoint is still down: followed to finality over the second.
        f.ledger.minePending()
        f.ledger.mine()
        await sender.tick()
        #expect(await store.record(for: t.id)?.status == .completed)

        // Healed and out of quarantine: the next transaction goes to both; the second copy
        // ("already known") is no error.
        for method in methods { f.endpoints[0].failAlways(method, with: nil) }
        f.clock.advance(milliseconds: 600_000)
        let second = try f.transfer("koinos:failover-2", value: 1)
        await store.add(second)
        let before = f.endpoints.map { $0.calls(.sendRawTransaction) }
        await sender.tick()
        let r2 = try #require(await store.record(for: second.id))
        #expect(r2.status == .sent, "\(r2.lastError ?? "")")
        #expect(f.endpoints.map { $0.calls(.sendRawTransaction) } == before.map { $0 + 1 }, "sent to both endpoints")
        #expect(f.ledger.accepted.count == 2, "each transaction taken once")

        f.ledger.minePending()
        f.ledger.mine()
        await sender.tick()
        #expect(await store.record(for: second.id)?.status == .completed)
        #expect(f.contract.completions == 2)
    }

    @Test func aStuckTransactionIsReplacedAtItsNonceWithHigherFeesAndTheReplacementCompletes() async throws {
        let f = ScriptedSenderFixture()
        let t = try f.transfer("koinos:stuck", value: 7)
        let store = InMemoryDeliveryStore([t])
        let (sender, _) = f.sender(store)
        await sender.tick()
        let first = try #require(await store.record(for: t.id))
        // The base fee jumps above what the first transaction offers: it stays in the mempool.
        f.ledger.setFees(baseFee: first.maxFeePerGas + 1, suggestedTip: 1_500_000_000)
        #expect(f.ledger.minePending().included.isEmpty)

        f.clock.advance(milliseconds: 29_000)
        await sender.tick()
        #expect(f.ledger.accepted.count == 1, "not replaced before bumpAfterMs")
        f.clock.advance(milliseconds: 2_000)
        await sender.tick()
        let bumped = try #require(await store.record(for: t.id))
        #expect(bumped.transactionHashes.count == 2)
        #expect(bumped.nonce == first.nonce)
        #expect(bumped.maxFeePerGas > first.maxFeePerGas && bumped.maxPriorityFeePerGas >= first.maxPriorityFeePerGas * 112 / 100)
        #expect(f.ledger.pending.map(\.hash) == bumped.transactionHashes, "the replacement joined the original at the same nonce")

        let (_, included) = f.ledger.minePending()
        #expect(included == [bumped.transactionHashes[1]])
        f.ledger.mine()
        await sender.tick()
        let done = try #require(await store.record(for: t.id))
        #expect(done.status == .completed)
        #expect(done.completingTransaction == bumped.transactionHashes[1])
        #expect(f.contract.completions == 1)
    }
}
