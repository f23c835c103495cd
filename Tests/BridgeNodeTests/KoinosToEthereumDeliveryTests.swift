// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeEthereum
import BridgeKoinos
@testable import BridgeNode
import BridgeStore
import ChainCrypto
import CurlTransport
import Ethereum
import Foundation
import JSONRPC
import Koinos
import KoinosTestSupport
import Logging
import ProcessTestSupport
import Testing

/// The whole Koinos → Ethereum path on both real devnets, with the node's own pieces (the Koinos
/// lock service, the sender the composition root builds from `ethereum.relayer`, the SQLite
/// store): a lock on the Koinos simulator → irreversible → signed → quorum (this validator is the
/// Ethereum contract's whole set) → `completeTransfer` from the validator key on the eth-tester
/// devnet → the recipient paid once and the lock `completed` with the transaction's hash. The node
/// is restarted (a new database object and sender over the same file) while the transaction waits
/// in the devnet's pool and again after completion: it follows the one in flight and sends nothing more.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["BRIDGE_SKIP_DEVNET"] != "1"))
struct KoinosToEthereumDeliveryTests {
    @Test(.timeLimit(.minutes(5)))
    func aKoinosLockIsPaidOnEthereumOnceAndARestartFollowsTheTransactionInsteadOfSendingAgain() async throws {
        let key = Secp256k1.PrivateKey.generate()
        let me = EthereumAddress(publicKey: key.publicKey)
        let user = Secp256k1.PrivateKey.generate()
        let userAddress = KoinosAddress(publicKey: user.publicKey).base58
        guard let sim = try await KoinosSimulatorProcess.start([
            "--profile", "v2", "--validators", KoinosAddress(publicKey: key.publicKey).base58, "--block-interval-ms", "0",
            "--irreversible-depth", "2", "--account", "\(userAddress):5000000000", "--balance", "KOIN:\(userAddress):1000000000",
        ]) else { return }
        let devnet = try await EthereumDevnetProcess.start(arguments: ["--validators", me.checksummed, "--bridge-chain-id", "2"], lifetime: 300)
        defer { devnet.terminate() }
        let bridge = try #require(ChainHex.decode(devnet.ready["bridge"] as? String ?? ""))
        let wrapped = try #require(ChainHex.decode(devnet.ready["wrapped_token"] as? String ?? ""))
        let chainID = try #require(devnet.ready["chain_id"] as? Int)
        let ethereum = EthereumRPCClient(transport: CurlHTTPTransport(url: devnet.rpc))
        // Gas money for the validator key, from eth-tester's funded account 0 (private key 1).
        let funder = EthereumAddress(publicKey: try Secp256k1.PrivateKey(rawRepresentation: [UInt8](repeating: 0, count: 31) + [1]).publicKey)
        _ = try await devnet.call("eth_sendTransaction", [["from": funder.checksummed, "to": me.checksummed, "value": "0xde0b6b3a7640000"]])

        // The sender exactly as the composition root builds it, from a validated configuration.
        let dir = NSTemporaryDirectory() + "k2e-delivery-" + UUID().uuidString.prefix(8)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let configuration = try ValidConfiguration.make(dataDir: dir, [
            "ethereum.rpc=\(devnet.rpc)", "ethereum.chain_id=\(chainID)", "ethereum.contract=\(ChainHex.encode(bridge))",
            "ethereum.relayer.confirmations=2", "ethereum.relayer.policy=own", "koinos.watcher.enabled=true", "koinos.watcher.ethereum_chain_id=2",
        ])
        let watcherOff = try ValidConfiguration.make(dataDir: dir + "/off", ["ethereum.rpc=\(devnet.rpc)", "ethereum.chain_id=\(chainID)"])
        #expect(BridgeNode.ethereumSender(configuration: watcherOff, validatorKey: key, database: try BridgeDatabase(), logger: Logger(label: "test")) == nil,
                "no sender without the Koinos lock watcher")
        let path = dir + "/bridge.sqlite"
        func node() throws -> (database: BridgeDatabase, sender: EthereumSender) {
            let database = try BridgeDatabase(path: path)
            let sender = try #require(BridgeNode.ethereumSender(
                configuration: configuration, validatorKey: key, database: database, clock: SystemBridgeClock(), logger: Logger(label: "test")))
            return (database, sender)
        }

        // The lock: relayer = this validator (v2 rule), paid in the devnet's wrapped token.
        let recipient = EthereumAddress(publicKey: Secp256k1.PrivateKey.generate().publicKey)
        let reply = try await sim.control("lock_tokens", [
            "private_key": .string(ChainHex.encode(user.rawRepresentation)), "token": .string("KOIN"), "amount": .int(4_200),
            "recipient": .string(ChainHex.encode(recipient.bytes)), "relayer": .string(ChainHex.encode(me.bytes)), "to_chain": .int(2),
        ])
        let tx = try #require(ChainHex.decode(reply["transaction_id"]?.stringValue ?? ""))
        let id = KoinosLockID(transactionID: tx, operationID: 1)
        try await sim.produceBlock(count: 3)

        var first = try node()
        let judge = KoinosLockJudge.Configuration(profile: .v2, tokens: [sim.koin: wrapped], ethereumBridge: bridge, ethereumChainID: 2)
        let lockService = KoinosLockService(
            watcher: KoinosLockWatcher(
                configuration: .init(bridgeContract: sim.bridge, chainID: try await sim.rpc.chainID(), judge: judge), rpc: sim.rpc,
                store: SQLiteKoinosLockStore(first.database), clock: SystemBridgeClock()),
            signer: KoinosLockSigner(key: key, profile: .v2, store: SQLiteKoinosSignatureStore(first.database), governorStore: SQLiteGovernorRepository(first.database), clock: SystemBridgeClock()), ethereum: ethereum,
            ethereumContract: bridge, logger: Logger(label: "test"))
        #expect(try await lockService.round() == [id])

        // The devnet holds transactions in its pool: our completeTransfer waits there.
        _ = try await devnet.call("evm_setAutomine", [false])
        let nonceBefore = try await ethereum.transactionCount(address: me.bytes, pending: false)
        await first.sender.tick()
        let sent = try #require(try await SQLiteEthereumDeliveryRepository(first.database).ethereumDelivery(id.description))
        #expect(sent.status == .sent, "\(sent.lastError ?? "")")
        #expect(sent.nonce == nonceBefore)
        #expect(try await first.database.koinosLock(id)?.status == "submitted")
        #expect(try await first.database.koinosLock(id)?.ethereumTransaction == sent.transactionHashes.last, "the API's submission.ethereum_tx_hash")
        #expect(try await first.database.koinosLock(id)?.ethereumCompletion == nil, "not final yet: no completionTransactionId")

        // Restart while it is in flight: the new node follows that transaction, sends no other.
        first = try node()
        await first.sender.tick()
        #expect(try await ethereum.transactionCount(address: me.bytes, pending: true) == nonceBefore + 1, "one transaction in the pool")
        #expect(try await SQLiteEthereumDeliveryRepository(first.database).ethereumDelivery(id.description)?.transactionHashes == sent.transactionHashes)

        _ = try await devnet.call("evm_setAutomine", [true])
        _ = try await devnet.call("evm_mine", [2])
        await first.sender.tick()
        let done = try #require(try await SQLiteEthereumDeliveryRepository(first.database).ethereumDelivery(id.description))
        #expect(done.status == .completed, "\(done)")
        #expect(done.completingTransaction == sent.transactionHashes.first)
        #expect(try await first.database.koinosLock(id)?.status == "completed")
        #expect(try await first.database.koinosLockEthereumTransaction(id) == sent.transactionHashes.first)
        #expect(try await first.database.koinosLock(id)?.ethereumCompletion == sent.transactionHashes.first, "GetKoinosTransaction's completionTransactionId")
        #expect(try await balance(ethereum, token: wrapped, of: recipient.bytes) == 4_200)

        // Restart after completion: nothing to deliver, nothing sent, paid once.
        let second = try node()
        await second.sender.tick()
        await second.sender.tick()
        #expect(try await ethereum.transactionCount(address: me.bytes, pending: true) == nonceBefore + 1)
        #expect(try await balance(ethereum, token: wrapped, of: recipient.bytes) == 4_200)
        #expect(try await SQLiteEthereumDeliveryRepository(second.database).ethereumDelivery(id.description) == done)
        await devnet.stop()
        await sim.stop()
    }

    func balance(_ rpc: EthereumRPCClient, token: [UInt8], of owner: [UInt8]) async throws -> UInt64? {
        let call = ABIEncoder.call(ABIFunction(name: "balanceOf", parameters: [.address]), [.address(owner)])
        guard case .uint(let w)? = try ABIDecoder.decode([.uint(256)], from: try await rpc.call(to: token, data: call)).first else { return nil }
        return w.uint64
    }
}
