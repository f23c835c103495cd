// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeEthereum
import BridgeKoinos
import BridgeNode
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

/// The Koinos → Ethereum service on both real devnets: a Koinos-side lock, once irreversible, is
/// judged, signed with the validator key's Ethereum form, and — this validator being the Ethereum
/// contract's whole set (read with eth_call) — stored at quorum with a submission set that
/// recovers to it. A key outside the contract's set signs nothing.
struct KoinosLockServiceTests {
    @Test(.timeLimit(.minutes(4)))
    func aKoinosLockIsSignedToQuorumOverTheEthereumContractsSet() async throws {
        let key = Secp256k1.PrivateKey.generate()
        let ethAddress = EthereumAddress(publicKey: key.publicKey)
        let user = Secp256k1.PrivateKey.generate()
        let userAddress = KoinosAddress(publicKey: user.publicKey).base58
        guard let sim = try await KoinosSimulatorProcess.start([
            "--profile", "v2", "--validators", KoinosAddress(publicKey: key.publicKey).base58, "--block-interval-ms", "0",
            "--irreversible-depth", "2", "--account", "\(userAddress):5000000000", "--balance", "KOIN:\(userAddress):1000000000",
        ]) else { return }
        let devnet = try await EthereumDevnetProcess.start(arguments: ["--validators", ethAddress.checksummed, "--bridge-chain-id", "2"])
        let ethBridge = try #require(ChainHex.decode(devnet.ready["bridge"] as? String ?? ""))
        let ethereum = EthereumRPCClient(transport: CurlHTTPTransport(url: devnet.rpc))

        let db = try BridgeDatabase()
        let judge = KoinosLockJudge.Configuration(
            profile: .v2, tokens: [sim.koin: [UInt8](repeating: 0xe1, count: 20)], ethereumBridge: ethBridge, ethereumChainID: 2)
        let watcher = KoinosLockWatcher(
            configuration: .init(bridgeContract: sim.bridge, chainID: try await sim.rpc.chainID(), judge: judge), rpc: sim.rpc, store: SQLiteKoinosLockStore(db),
            clock: SystemBridgeClock())
        func service(_ signingKey: Secp256k1.PrivateKey) -> KoinosLockService {
            KoinosLockService(
                watcher: watcher, signer: KoinosLockSigner(key: signingKey, profile: .v2, store: SQLiteKoinosSignatureStore(db), governorStore: SQLiteGovernorRepository(db), clock: SystemBridgeClock()), ethereum: ethereum,
                ethereumContract: ethBridge, logger: Logger(label: "test"))
        }

        let reply = try await sim.control("lock_tokens", [
            "private_key": .string(ChainHex.encode(user.rawRepresentation)), "token": .string("KOIN"), "amount": .int(4_200),
            "recipient": .string("0x" + String(repeating: "4c", count: 20)), "to_chain": .int(2),
        ])
        let tx = try #require(ChainHex.decode(reply["transaction_id"]?.stringValue ?? ""))
        try await sim.produceBlock()
        #expect(try await service(key).round().isEmpty)  // above the LIB: not seen yet
        try await sim.produceBlock(count: 2)
        #expect(try await service(.generate()).round().isEmpty)  // a key outside the Ethereum set signs nothing
        let id = KoinosLockID(transactionID: tx, operationID: 1)
        #expect(try await db.koinosLocks().map(\.status) == [.observed])
        #expect(try await service(key).round() == [id])
        let lock = try #require(try await db.koinosLock(id))
        #expect(lock.status == "quorum")
        let submission = try #require(try await db.koinosSubmission(id))
        #expect(submission.count == 1)  // v2 Q(1) = 1
        #expect(EthereumSignature.recoverAddress(digest: lock.digest ?? [], signature: submission[0]) == ethAddress)
        await devnet.stop()
        await sim.stop()
    }
}
