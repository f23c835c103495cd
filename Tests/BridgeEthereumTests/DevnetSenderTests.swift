// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeEthereum
import BridgeSigning
import BridgeTesting
import ChainCrypto
import Ethereum
import JSONRPC
import Testing

/// The sender against the real devnet (py-evm through eth-tester): validators' signatures over
/// the §2.3 digest, `completeTransfer` sent as a signed EIP-1559 transaction, the recipient paid
/// once; duplicates, refusals, reverts, nonce conflicts and a stuck transaction replaced at its nonce.
@Suite(.serialized, .disabled(if: Devnet.skipped, "BRIDGE_SKIP_DEVNET=1"))
struct DevnetSenderTests {
    static let relayer = SenderDevnet.validatorKeys[0]

    @Test func aRawTransactionWeSignIsAcceptedAndTheNodeReportsOurHashAndSender() async throws {
        let devnet = try await SenderDevnet.shared()
        let key = SenderDevnet.key(4)  // eth-tester's funded account 3
        let me = SenderDevnet.address(key)
        let nonce = try await devnet.rpc.transactionCount(address: me, pending: true)
        let tx = EIP1559Transaction(chainID: devnet.chainID, nonce: nonce, maxPriorityFeePerGas: 1_000_000_000, maxFeePerGas: 20_000_000_000,
                                    gasLimit: 21_000, to: [UInt8](repeating: 0x42, count: 20), value: 12_345, data: [])
        let signed = try tx.signed(with: key)
        let hash = try await devnet.rpc.sendRawTransaction(signed.raw)
        #expect(hash == signed.hash)
        let seen = try await devnet.rpc.rpc.call("eth_getTransactionByHash", .array([.string(HexData.encode(hash))]))
        #expect(seen["from"]?.stringValue?.lowercased() == ChainHex.encode(me))
        #expect(seen["type"]?.stringValue == "0x2")
        let receipt = try #require(try await devnet.rpc.receipt(transactionHash: hash))
        #expect(receipt.succeeded)
        // The same fields signed by another key are another sender: the node recovers ours, not a fixed one.
        let other = SenderDevnet.key(5)
        var second = tx
        second.nonce = try await devnet.rpc.transactionCount(address: SenderDevnet.address(other), pending: true)
        let hash2 = try await devnet.rpc.sendRawTransaction(try second.signed(with: other).raw)
        let seen2 = try await devnet.rpc.rpc.call("eth_getTransactionByHash", .array([.string(HexData.encode(hash2))]))
        #expect(seen2["from"]?.stringValue?.lowercased() == ChainHex.encode(SenderDevnet.address(other)))
    }

    @Test func theRelayerCompletesATransferOnceAndADuplicateIsNeverSent() async throws {
        let devnet = try await SenderDevnet.shared()
        let clock = VirtualClock.startingNow()
        let recipient = SenderDevnet.address(SenderDevnet.key(0xe1))
        let t = try devnet.transfer(id: "koinos:once", relayer: SenderDevnet.address(Self.relayer), recipient: recipient, value: 12_345)
        let store = InMemoryDeliveryStore([t])
        let sender = devnet.sender(key: Self.relayer, store: store, clock: clock)
        let me = SenderDevnet.address(Self.relayer)
        let countBefore = try await devnet.rpc.transactionCount(address: me, pending: false)

        await sender.tick()
        let sent = try #require(await store.record(for: t.id))
        #expect(sent.status == .sent, "\(sent.lastError ?? "")")
        let hash = try #require(sent.transactionHashes.first)
        // Exactly Q(3) = 2 signatures went on-chain, sorted by signer.
        let input = try await devnet.input(of: hash)
        let args = try ABIDecoder.decode(BridgeContractCalls.completeTransferV2.parameters, from: Array(input.dropFirst(4)))
        guard case .array(let sigs) = args[7] else { Issue.record("no signature array"); return }
        #expect(sigs.count == 2)
        let signers = sigs.compactMap { if case .bytes(let s) = $0 { EthereumSignature.recoverAddress(digest: t.message.digest, signature: s)?.bytes } else { nil } }
        #expect(signers == signers.sorted { $0.lexicographicallyPrecedes($1) } && Set(signers).count == 2)

        await sender.tick()  // one confirmation only
        #expect(await store.record(for: t.id)?.status == .included)
        try await devnet.mine(1)
        await sender.tick()
        let done = try #require(await store.record(for: t.id))
        #expect(done.status == .completed)
        #expect(done.completingTransaction == hash)
        #expect(try await devnet.balance(of: recipient) == 12_345)

        // Passes after completion, and a second node that never saw our row, send nothing.
        await sender.tick()
        let otherStore = InMemoryDeliveryStore([t])
        let other = devnet.sender(key: Self.relayer, store: otherStore, clock: clock)
        await other.tick()
        #expect(await otherStore.record(for: t.id)?.status == .completed)
        #expect(await otherStore.record(for: t.id)?.lastError == "already completed on Ethereum")
        #expect(try await devnet.rpc.transactionCount(address: me, pending: false) == countBefore + 1, "one transaction in all")
        #expect(try await devnet.balance(of: recipient) == 12_345)
    }

    @Test func contractRefusalsAreReportedWithTheContractsReasonAndNothingIsSent() async throws {
        let devnet = try await SenderDevnet.shared()
        let me = SenderDevnet.address(Self.relayer)
        let recipient = SenderDevnet.address(SenderDevnet.key(0xe2))
        // An unsupported token: the signatures are fine, the estimate reverts, no transaction goes out.
        let t = try devnet.transfer(id: "koinos:badtoken", relayer: me, recipient: recipient, token: [UInt8](repeating: 0x99, count: 20), value: 1)
        let store = InMemoryDeliveryStore([t])
        let before = try await devnet.rpc.transactionCount(address: me, pending: true)
        await devnet.sender(key: Self.relayer, store: store, clock: VirtualClock.startingNow()).tick()
        let r = try #require(await store.record(for: t.id))
        #expect(r.status == .failed)
        #expect(r.lastError == "execution reverted: token is not supported")
        #expect(try await devnet.rpc.transactionCount(address: me, pending: true) == before)

        // What the planner never lets through, the contract refuses too, with its reason.
        let good = try devnet.transfer(id: "koinos:sigs", relayer: me, recipient: recipient, value: 1)
        let outsider = SenderDevnet.key(0x77)
        let foreign = try EthereumSignature.sign(digest: good.message.digest, key: outsider)
        let valid = good.signatures.map(\.signature)
        for (signatures, reason) in [([valid[0], foreign], "invalid signatures"), ([valid[0], valid[0]], "duplicate signature"), ([valid[1]], "quorum not met")] {
            let data = BridgeContractCalls.completeTransfer(good.message, signatures: signatures)
            await #expect(throws: EthereumSendError.reverted(reason: reason)) {
                _ = try await devnet.rpc.estimateGas(from: me, to: devnet.bridge, data: data)
            }
        }
        // Order: the devnet contract checks distinctness, not order; reversed signatures complete.
        let reversed = BridgeContractCalls.completeTransfer(good.message, signatures: [valid[1], valid[0]])
        #expect(try await devnet.rpc.estimateGas(from: me, to: devnet.bridge, data: reversed) > 21_000)
    }

    @Test func aStaleLocalNonceIsResyncedFromTheNodeAndTheTransferStillCompletesOnce() async throws {
        let devnet = try await SenderDevnet.shared()
        let clock = VirtualClock.startingNow()
        let me = SenderDevnet.address(Self.relayer)
        let first = try devnet.transfer(id: "koinos:n1", relayer: me, recipient: SenderDevnet.address(SenderDevnet.key(0xe3)), value: 10)
        let second = try devnet.transfer(id: "koinos:n2", relayer: me, recipient: SenderDevnet.address(SenderDevnet.key(0xe4)), value: 20)
        let store = InMemoryDeliveryStore([first])
        let sender = devnet.sender(key: Self.relayer, store: store, clock: clock)
        await sender.tick()
        let used = try #require(await store.record(for: first.id)?.nonce)
        // Another process spends the next nonce with the same key: our local counter is now stale.
        _ = try await devnet.rpc.rpc.call("eth_sendTransaction", .array([.object([
            "from": .string(ChainHex.encode(me)), "to": .string(ChainHex.encode(me)), "value": .string("0x1"),
        ])]))
        await store.add(second)
        await sender.tick()
        let r = try #require(await store.record(for: second.id))
        #expect(r.status == .sent, "\(r.lastError ?? "")")
        #expect(r.nonce == used + 2, "resynced past the foreign transaction")
        try await devnet.mine(2)
        await sender.tick()
        #expect(await store.record(for: second.id)?.status == .completed)
        #expect(try await devnet.balance(of: SenderDevnet.address(SenderDevnet.key(0xe4))) == 20)
    }

    @Test func aStuckTransactionIsReplacedAtItsNonceWithHigherFeesAndTheLoserOfARaceRecordsTheRevertAsCompletedElsewhere() async throws {
        let devnet = try await SenderDevnet.shared()
        let clock = VirtualClock.startingNow()
        let me = SenderDevnet.address(Self.relayer)
        // A fresh recipient, given gas money: the v2 rule lets it send for itself.
        let recipientKey = SenderDevnet.key(0xe5)
        let recipient = SenderDevnet.address(recipientKey)
        try await devnet.fund(recipient)
        let t = try devnet.transfer(id: "koinos:stuck", relayer: me, recipient: recipient, value: 777)
        let logs = CapturedLogs()
        let relayerStore = InMemoryDeliveryStore([t])
        let relayer = devnet.sender(key: Self.relayer, store: relayerStore, clock: clock, logs: logs)
        // The recipient may send for itself (v2 rule): a second, independent sender.
        let recipientStore = InMemoryDeliveryStore([t])
        let own = devnet.sender(key: recipientKey, store: recipientStore, clock: clock)

        try await devnet.setAutomine(false)
        do {
            await relayer.tick()
            let sent = try #require(await relayerStore.record(for: t.id))
            #expect(sent.status == .sent)
            // Both see the transfer open at `latest` and send: the chain will take one.
            await own.tick()
            #expect(await recipientStore.record(for: t.id)?.status == .sent)
            // No block yet: after bumpAfterMs the relayer replaces its transaction at the same nonce.
            clock.advance(milliseconds: 30_000)
            await relayer.tick()
            let bumped = try #require(await relayerStore.record(for: t.id))
            #expect(bumped.nonce == sent.nonce)
            // The devnet replaces a waiting transaction as a mempool does (both fees ≥ +10 %).
            #expect(bumped.transactionHashes.count == 2, "\(bumped)")
            #expect(bumped.transactionHashes.first == sent.transactionHashes.first)
            #expect(bumped.maxFeePerGas * 100 >= sent.maxFeePerGas * 110 && bumped.maxPriorityFeePerGas * 100 >= sent.maxPriorityFeePerGas * 110)
            #expect(logs.contains("Stuck transaction replaced with higher fees"))
            #expect(try await devnet.rpc.rpc.call("eth_getTransactionByHash", .array([.string(HexData.encode(sent.transactionHashes[0]))])).isNull,
                    "the replaced transaction is gone")
        }
        try await devnet.setAutomine(true)
        try await devnet.mine(2)
        await relayer.tick()
        await own.tick()
        let winner = try #require(await relayerStore.record(for: t.id))
        let loser = try #require(await recipientStore.record(for: t.id))
        #expect(winner.status == .completed, "\(winner)")
        #expect(winner.completingTransaction == winner.transactionHashes.last, "the replacement completed it")
        #expect(try await devnet.rpc.receipt(transactionHash: winner.transactionHashes[0]) == nil, "the original never mined")
        #expect(loser.status == .completed, "\(loser)")
        #expect(loser.lastError?.contains("(execution reverted: transfer already completed); completed by another sender") == true, "\(loser.lastError ?? "")")
        #expect(try await devnet.balance(of: recipient) == 777, "paid once")
    }

    @Test func aTransactionThatRevertsOnChainIsRecordedFailedWithTheContractsReasonAndRetriedLater() async throws {
        let devnet = try await SenderDevnet.shared()
        let clock = VirtualClock.startingNow()
        let me = SenderDevnet.address(Self.relayer)
        let recipient = SenderDevnet.address(SenderDevnet.key(0xe6))
        let t = try devnet.transfer(id: "koinos:paused", relayer: me, recipient: recipient, value: 4_321)
        let store = InMemoryDeliveryStore([t])
        let sender = devnet.sender(key: Self.relayer, store: store, clock: clock)
        // The bridge is paused in the block our transaction lands in, ahead of it: the estimate at
        // `latest` passed, the transaction reverts on-chain.
        try await devnet.setAutomine(false)
        do {
            try await devnet.setPaused(true)
            await sender.tick()
            #expect(await store.record(for: t.id)?.status == .sent)
        }
        try await devnet.setAutomine(true)
        try await devnet.mine(2)
        await sender.tick()
        let failed = try #require(await store.record(for: t.id))
        #expect(failed.status == .failed, "\(failed)")
        #expect(failed.lastError == "execution reverted: bridge is paused")
        #expect(failed.attempts == 1 && failed.nonce == nil)
        #expect(try await devnet.balance(of: recipient) == 0)
        // Unpaused; after the backoff the next attempt completes it.
        try await devnet.setPaused(false)
        await sender.tick()
        #expect(await store.record(for: t.id)?.status == .failed, "not before the backoff")
        clock.advance(milliseconds: 600_000)
        await sender.tick()
        #expect(await store.record(for: t.id)?.status == .sent)
        try await devnet.mine(1)
        await sender.tick()
        #expect(await store.record(for: t.id)?.status == .completed)
        #expect(try await devnet.balance(of: recipient) == 4_321)
    }
}
