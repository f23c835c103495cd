// SPDX-License-Identifier: Apache-2.0
import ChainCrypto
import CurlTransport
import Ethereum
import Foundation
import JSONRPC
import Koinos
import KoinosTestSupport
import ProcessTestSupport
import Testing

/// `bridge-relay run` with `koinos.watcher.enabled`, one validator (the whole set on both chains),
/// on the Koinos simulator and the eth-tester devnet: a Koinos lock naming it as relayer is paid on
/// Ethereum by the node's own sender. The process is SIGKILLed while its completeTransfer waits in
/// the devnet's pool and started again: the restarted node follows that transaction to completion
/// and sends none of its own (the validator's nonce moves by exactly one; the recipient paid once).
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["BRIDGE_SKIP_DEVNET"] != "1"))
struct KoinosToEthereumProcessTests {
    @Test(.timeLimit(.minutes(6)))
    func aKilledAndRestartedNodeFollowsItsInFlightCompleteTransferAndNeverSendsASecond() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: relayBinary), "bridge-relay not built at \(relayBinary)")
        let env = StartupProcessTests.environment
        let dir = NSTemporaryDirectory() + "k2e-process-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let passphrase = dir + "/passphrase"
        try "k2e process test".write(toFile: passphrase, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: passphrase)
        let keygen = try await ChildProcess.run(
            relayBinary, ["keygen", "--keystore", dir + "/keystore.json", "--passphrase-file", passphrase, "--insecure-fast-kdf"],
            environment: env, timeout: .seconds(60))
        #expect(keygen.status == 0, "\(keygen.stderr)")
        let show = try await ChildProcess.run(relayBinary, ["keys", "show", "--keystore", dir + "/keystore.json", "--json"], environment: env,
                                              timeout: .seconds(30))
        let keys = try #require(try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: String], "\(show.stdout)")
        let ethText = try #require(keys["ethereum_address"]), koinosText = try #require(keys["koinos_address"])
        let me = try #require(EthereumAddress(ethText)).bytes

        let user = Secp256k1.PrivateKey.generate()
        let userAddress = KoinosAddress(publicKey: user.publicKey).base58
        guard let sim = try await KoinosSimulatorProcess.start([
            "--profile", "v2", "--validators", koinosText, "--block-interval-ms", "300", "--irreversible-depth", "2",
            "--account", "\(userAddress):5000000000", "--balance", "KOIN:\(userAddress):1000000000",
        ]) else { return }
        let devnet = try await EthereumDevnetProcess.start(arguments: ["--validators", ethText, "--bridge-chain-id", "2"], lifetime: 400)
        let wrapped = try #require(devnet.ready["wrapped_token"] as? String)
        let ethereum = EthereumRPCClient(transport: CurlHTTPTransport(url: devnet.rpc))
        let funder = EthereumAddress(publicKey: try Secp256k1.PrivateKey(rawRepresentation: [UInt8](repeating: 0, count: 31) + [1]).publicKey)
        _ = try await devnet.call("eth_sendTransaction", [["from": funder.checksummed, "to": ethText, "value": "0xde0b6b3a7640000"]])

        let config = dir + "/node.yaml"
        try """
        ethereum:
          rpc: ["\(devnet.rpc)"]
          chain_id: \(devnet.ready["chain_id"] as? Int ?? 0)
          contract: "\((devnet.ready["bridge"] as? String ?? "").lowercased())"
          profile: v2
          finality: confirmations
          confirmations: 2
          poll_interval_ms: 500
          start_block: 0
          relayer:
            confirmations: 2
        koinos:
          rpc: \(sim.rpcURL)
          chain_id: \(Base64URL.encode(try await sim.rpc.chainID()))
          bridge_contract: \(KoinosAddress(bytes: sim.bridge)?.base58 ?? "")
          chain: \(sim.chainID)
          tokens:
            "\(wrapped.lowercased())": \(KoinosAddress(bytes: sim.koin)?.base58 ?? "")
          watcher:
            enabled: true
            ethereum_chain_id: 2
            poll_interval_ms: 300
        validators:
          - koinos_address: \(koinosText)
            ethereum_address: "\(ethText)"
            peer_id: \(keys["peer_id"] ?? "")
        p2p:
          listen: ["/ip4/127.0.0.1/tcp/0"]
          bootstrap: []
        keystore:
          path: \(dir)/keystore.json
          passphrase_file: \(passphrase)
        http:
          enabled: true
          listen: 127.0.0.1:0
        data_dir: \(dir)/data
        log:
          level: info
          format: json
        """.write(toFile: config, atomically: true, encoding: .utf8)
        func start(_ name: String) throws -> ChildProcess {
            try ChildProcess(relayBinary, ["run", "--config", config], environment: env, errorOutput: .file("\(dir)/\(name).log"))
        }
        func log(_ name: String) -> String { StartupProcessTests.log("\(dir)/\(name).log") }

        _ = try await devnet.call("evm_setAutomine", [false])
        let nonceBefore = try await ethereum.transactionCount(address: me, pending: false)
        let first = try start("first")
        let recipient = EthereumAddress(publicKey: Secp256k1.PrivateKey.generate().publicKey).bytes
        _ = try await sim.control("lock_tokens", [
            "private_key": .string(ChainHex.encode(user.rawRepresentation)), "token": .string("KOIN"), "amount": .int(4_200),
            "recipient": .string(ChainHex.encode(recipient)), "relayer": .string(ethText.lowercased()), "to_chain": .int(2),
        ])
        let sent = try await eventually(.seconds(120), every: .milliseconds(250)) { log("first").contains("completeTransfer sent") }
        #expect(sent, "\(log("first").suffix(3_000))")
        first.send(SIGKILL)
        _ = await first.waitForExit(timeout: .seconds(10))
        #expect(try await ethereum.transactionCount(address: me, pending: true) == nonceBefore + 1)

        let second = try start("second")
        // The restarted node's sender passes (every 2 s) while the transaction still waits: a node that
        // had lost its row would find the transfer open and send a second transaction at the next nonce.
        try await Task.sleep(for: .seconds(10))
        #expect(second.isRunning, "\(log("second").suffix(2_000))")
        #expect(try await ethereum.transactionCount(address: me, pending: true) == nonceBefore + 1, "nothing sent while in flight")
        _ = try await devnet.call("evm_setAutomine", [true])
        _ = try await devnet.call("evm_mine", [3])
        let final = try await eventually(.seconds(60), every: .milliseconds(250)) { log("second").contains("completeTransfer final") }
        #expect(final, "\(log("second").suffix(3_000))")
        #expect(try await Self.balance(ethereum, token: try #require(ChainHex.decode(wrapped)), of: recipient) == 4_200)
        try await Task.sleep(for: .seconds(5))  // more sender passes
        #expect(!log("second").contains("completeTransfer sent"), "the restarted node sent again")
        #expect(try await ethereum.transactionCount(address: me, pending: true) == nonceBefore + 1, "one transaction in all")
        #expect(try await Self.balance(ethereum, token: try #require(ChainHex.decode(wrapped)), of: recipient) == 4_200)
        let status = await second.stop(signal: SIGTERM, grace: .seconds(20))
        #expect(status == 0)
        await devnet.stop()
        await sim.stop()
        if status == 0 { try? FileManager.default.removeItem(atPath: dir) }
    }

    static func balance(_ rpc: EthereumRPCClient, token: [UInt8], of owner: [UInt8]) async throws -> UInt64? {
        let call = ABIEncoder.call(ABIFunction(name: "balanceOf", parameters: [.address]), [.address(owner)])
        guard case .uint(let w)? = try ABIDecoder.decode([.uint(256)], from: try await rpc.call(to: token, data: call)).first else { return nil }
        return w.uint64
    }
}
