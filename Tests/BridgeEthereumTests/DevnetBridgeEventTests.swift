// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeEthereum
import BridgeSigning
import BridgeStore
import ChainCrypto
import CurlTransport
import Ethereum
import Foundation
import JSONRPC
import Primitives
import ProcessTestSupport
import Testing

/// Ethereum's `TransferCompletedEvent` and `RequestNewSignaturesEvent` seen by the real watcher on
/// the real devnet (py-evm), judged against a real SQLite store.
@Suite(.serialized, .disabled(if: Devnet.skipped, "BRIDGE_SKIP_DEVNET=1"))
struct DevnetBridgeEventTests {
    /// eth-tester's funded account 0 (private key 1): unlocked on the devnet, so it sends with eth_sendTransaction.
    static let account = SenderDevnet.address(SenderDevnet.key(1))
    static let koinosToken = [UInt8](repeating: 0x01, count: 25)
    static let koinosContract = [UInt8](repeating: 0x04, count: 25)

    /// A devnet of its own (the sender suite pauses the shared one), stopped after `body`.
    static func withDevnet(_ body: (SenderDevnet) async throws -> Void) async throws {
        let devnet = try await SenderDevnet()
        do {
            try await body(devnet)
        } catch {
            await devnet.process.stop()
            throw error
        }
        await devnet.process.stop()
    }

    /// Sends `data` to the bridge from the unlocked account; returns the mined receipt.
    static func send(_ devnet: SenderDevnet, _ data: [UInt8]) async throws -> EthereumReceipt {
        let answer = try await devnet.rpc.rpc.call("eth_sendTransaction", .array([.object([
            "from": .string(ChainHex.encode(account)), "to": .string(ChainHex.encode(devnet.bridge)),
            "data": .string(HexData.encode(data)), "gas": .string("0x7a120"),
        ])]))
        guard let text = answer.stringValue else { throw DevnetError("eth_sendTransaction answered \(answer)") }
        let hash = try HexData.decode(text, field: "hash", count: 32)
        guard let receipt = try await devnet.rpc.receipt(transactionHash: hash) else { throw DevnetError("no receipt for \(text)") }
        return receipt
    }

    static func blockTimeMs(_ devnet: SenderDevnet, _ number: UInt64) async throws -> UInt64 {
        guard let header = try await devnet.rpc.blockHeader(.number(number)) else { throw DevnetError("no block \(number)") }
        return header.timestamp * 1_000
    }

    static func head(_ devnet: SenderDevnet) async throws -> UInt64 {
        guard let header = try await devnet.rpc.blockHeader(.latest) else { throw DevnetError("no head") }
        return header.number
    }

    /// Runs the watcher from `from` until its cursor passes `target` (mining so the finality depth is reached).
    static func watch(_ devnet: SenderDevnet, database: BridgeDatabase, from: UInt64, until target: UInt64, lifetimeMs: UInt64,
                      tokens: [[UInt8]: [UInt8]]? = nil, logs: CapturedLogs) async throws {
        var configuration = EthereumWatcherConfiguration(
            chainID: devnet.chainID, contract: devnet.bridge, profile: .v2, finality: .confirmations(2), startBlock: from)
        configuration.pollInterval = .milliseconds(50)
        configuration.errorBackoff = .milliseconds(50)
        configuration.signatureLifetimeMs = lifetimeMs
        configuration.tokens = tokens
        configuration.koinosContract = koinosContract
        let pool = EndpointPool(clients: [EthereumRPCClient(transport: CurlTransportFactory.make(devnet.url))], expectedChainID: devnet.chainID,
                                trust: .failover, clock: SystemBridgeClock(), logger: logs.logger(), stallMs: configuration.stallMs)
        let watcher = EthereumWatcher(configuration: configuration, pool: pool, store: SQLiteObservationStore(database), clock: ContinuousClock(), logger: logs.logger())
        let task = Task { try await watcher.run() }
        defer { task.cancel() }
        let passed = try await eventually(.seconds(60)) {
            guard try await database.cursorBlock(configuration.cursorName) ?? 0 <= target else { return true }
            try await devnet.mine()
            return false
        }
        guard passed else { throw DevnetError("watcher did not pass block \(target); last logs: \(logs.all.suffix(5))") }
        task.cancel()
        _ = await task.result
    }

    /// A Koinos → Ethereum lock stored at quorum, as the Koinos lock watcher and the quorum would leave it.
    static func storeLockAtQuorum(_ t: CompletableTransfer, database: BridgeDatabase) async throws -> KoinosLockID {
        let m = t.message
        let id = KoinosLockID(transactionID: m.koinosTransactionID, operationID: UInt32(m.operationID))
        let observation = KoinosLockObservation(
            id: id, profile: .v2, blockHeight: 10, blockID: [UInt8](repeating: 0x0b, count: 34), blockTimeMs: 0, sender: koinosToken,
            token: koinosToken, amount: "\(m.value)", payment: "0", recipient: ChainHex.encode(m.recipient), relayer: ChainHex.encode(m.relayer),
            metadata: "", destinationChain: m.chainID)
        _ = try await SQLiteKoinosLockStore(database).commitKoinosScan(
            cursor: "koinos-test", to: KoinosScanCursor(nextHeight: 11, previousBlockID: []),
            records: [KoinosLockRecord(observation: observation, status: .observed, reason: nil, message: m, digest: m.digest)], nowMs: 1)
        _ = try await SQLiteKoinosSignatureStore(database).markKoinosQuorum(id, digest: m.digest, submission: t.signatures, nowMs: 2)
        return id
    }

    /// Someone else (here the recipient, with the signatures the API hands out) completes a
    /// Koinos → Ethereum transfer on Ethereum: the node marks it completed, records the completing
    /// transaction and no longer offers it to its sender. A completion of a transfer this node
    /// never observed is ignored with its reason.
    @Test func aTransferCompletedByAnotherSenderIsMarkedCompletedAndNoLongerSent() async throws {
        try await Self.withDevnet { devnet in
            let database = try BridgeDatabase()
            let logs = CapturedLogs()
            let from = try await Self.head(devnet) + 1
            let t = try devnet.transfer(id: "", relayer: [UInt8](repeating: 0, count: 20), recipient: Self.account, value: 4_321, signers: [0, 1])
            let id = try await Self.storeLockAtQuorum(t, database: database)
            #expect(try await SQLiteEthereumDeliveryRepository(database).koinosLocksForDelivery(limit: 10).map(\.id) == [id], "before: the sender would send it")
            let stranger = try devnet.transfer(id: "", relayer: [UInt8](repeating: 0, count: 20), recipient: Self.account, value: 5, signers: [0, 1])

            let completion = try await Self.send(devnet, BridgeContractCalls.completeTransfer(t.message, signatures: t.signatures.map(\.signature)))
            #expect(completion.succeeded)
            let other = try await Self.send(devnet, BridgeContractCalls.completeTransfer(stranger.message, signatures: stranger.signatures.map(\.signature)))
            #expect(other.succeeded)
            try await Self.watch(devnet, database: database, from: from, until: other.blockNumber, lifetimeMs: 3_600_000, logs: logs)

            #expect(try await database.koinosLockStatus(id) == .completed)
            #expect(try await database.koinosLockEthereumTransaction(id) == completion.transactionHash)
            #expect(try await SQLiteEthereumDeliveryRepository(database).koinosLocksForDelivery(limit: 10).isEmpty, "a completed transfer is never sent again")
            #expect(logs.contains("Koinos lock completed on Ethereum"))
            #expect(logs.all.contains { $0.contains("Ethereum bridge event ignored") && $0.contains("reason=unknown_transfer") },
                    "the stranger's completion: \(logs.all.suffix(8))")
        }
    }

    /// A re-sign request scanned in the same window as its lock (a watcher catching up after
    /// downtime) is judged against that lock: before the fix the lock was not stored yet when the
    /// request was judged, so a legitimate request was ignored as `unknown_transfer` for good
    /// (the cursor moved on). Here the request is too early, so the verdict must say so.
    @Test func aRequestInTheSameWindowAsItsLockIsJudgedAgainstThatLock() async throws {
        try await Self.withDevnet { devnet in
            guard let tokenText = devnet.process.ready["token"] as? String, let token = ChainHex.decode(tokenText) else {
                throw DevnetError("no token in the ready line")
            }
            let database = try BridgeDatabase()
            let logs = CapturedLogs()
            let lock = try await devnet.rpc.rpc.call("devnet_lock", .array([.object(["recipient": .string("1NyaTjhcDQEZMGWSSmhEXZoP3G9NSQ7SZN")])]))
            guard let txText = lock["tx_hash"]?.stringValue, case .int(let lockBlock)? = lock["block_number"] else { throw DevnetError("devnet_lock answered \(lock)") }
            let lockTx = try HexData.decode(txText, field: "tx", count: 32)
            let request = ABIFunction(name: "RequestNewSignatures", parameters: [.bytes])
            let early = try await Self.send(devnet, ABIEncoder.call(request, [.bytes(lockTx)]))
            // Both blocks are final before the watcher starts: its first window holds the lock and the request.
            for _ in 0..<4 { try await devnet.mine() }
            try await Self.watch(devnet, database: database, from: UInt64(lockBlock), until: early.blockNumber, lifetimeMs: 3_600_000,
                                 tokens: [token: Self.koinosToken], logs: logs)
            #expect(try await database.transfersForResign(chainID: devnet.chainID, transactionHash: lockTx).count == 1)
            #expect(logs.all.contains { $0.contains("reason=too_early") }, "\(logs.all.suffix(8))")
            #expect(!logs.all.contains { $0.contains("reason=unknown_transfer") }, "\(logs.all.suffix(8))")
        }
    }

    /// `RequestNewSignatures` for an Ethereum → Koinos lock: refused before old expiration +
    /// lifetime, honoured after it with expiration = request block time + lifetime; the stored
    /// transfer goes back to `observed` with the new message and digest for the signer, and the
    /// old signature set is no longer the transfer's.
    @Test func aResignRequestIsRefusedBeforeTheWindowAndHonouredAfterIt() async throws {
        try await Self.withDevnet { devnet in
            guard let tokenText = devnet.process.ready["token"] as? String, let token = ChainHex.decode(tokenText) else {
                throw DevnetError("no token in the ready line")
            }
            let lifetime: UInt64 = 3_000
            let database = try BridgeDatabase()
            let logs = CapturedLogs()
            let lock = try await devnet.rpc.rpc.call("devnet_lock", .array([.object(["recipient": .string("1NyaTjhcDQEZMGWSSmhEXZoP3G9NSQ7SZN")])]))
            guard let txText = lock["tx_hash"]?.stringValue, case .int(let lockBlock)? = lock["block_number"] else { throw DevnetError("devnet_lock answered \(lock)") }
            let lockTx = try HexData.decode(txText, field: "tx", count: 32)
            let lockTime = try await Self.blockTimeMs(devnet, UInt64(lockBlock))
            let request = ABIFunction(name: "RequestNewSignatures", parameters: [.bytes])

            // Too early: the lock's signatures have not even expired yet.
            let early = try await Self.send(devnet, ABIEncoder.call(request, [.bytes(lockTx)]))
            #expect(try await Self.blockTimeMs(devnet, early.blockNumber) < lockTime + 2 * lifetime)
            try await Self.watch(devnet, database: database, from: UInt64(lockBlock), until: early.blockNumber, lifetimeMs: lifetime,
                                 tokens: [token: Self.koinosToken], logs: logs)
            let stored = try #require(try await database.transfersForResign(chainID: devnet.chainID, transactionHash: lockTx).first)
            let oldDigest = try #require(stored.digest)
            #expect(stored.expiration == lockTime + lifetime)
            #expect(logs.all.contains { $0.contains("reason=too_early") }, "\(logs.all.suffix(8))")
            #expect(try await SQLiteAttestationRepository(database).observationsAwaitingSignature(limit: 10).map(\.digest) == [oldDigest], "unchanged")

            // After the window (block time ≥ old expiration + lifetime).
            let deadline = Date().addingTimeInterval(30)
            while try await Self.blockTimeMs(devnet, try await Self.head(devnet)) < lockTime + 2 * lifetime {
                guard Date() < deadline else { throw DevnetError("devnet block time does not advance") }
                try await Task.sleep(for: .milliseconds(500))  // block time follows the wall clock
                try await devnet.mine()
            }
            let late = try await Self.send(devnet, ABIEncoder.call(request, [.bytes(lockTx)]))
            let requestTime = try await Self.blockTimeMs(devnet, late.blockNumber)
            try await Self.watch(devnet, database: database, from: early.blockNumber + 1, until: late.blockNumber, lifetimeMs: lifetime,
                                 tokens: [token: Self.koinosToken], logs: logs)
            let resigned = try #require(try await database.transfersForResign(chainID: devnet.chainID, transactionHash: lockTx).first)
            #expect(resigned.status == .observed)
            #expect(resigned.expiration == requestTime + lifetime)
            let newDigest = try #require(resigned.digest)
            #expect(newDigest != oldDigest)
            #expect(newDigest == SHA256Digest.hash(try #require(resigned.message)))
            let pending = try await SQLiteAttestationRepository(database).observationsAwaitingSignature(limit: 10)
            #expect(pending.map(\.digest) == [newDigest], "the signer signs the new digest; the old one is no longer the transfer's")
            #expect(logs.contains("Re-sign requested on Ethereum"))
        }
    }
}
