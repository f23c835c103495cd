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

/// One `bridge-relay` validator set up for Koinos → Ethereum, as the process tests run it: a fresh
/// keystore (fast KDF) in a temporary folder, the Koinos simulator (v2; the validator is its whole
/// set; `user` holds KOIN) and the Ethereum devnet (bridge chain id 2; the validator funded for gas),
/// and `node.yaml` with the Koinos lock watcher on. `extraYAML` (given the KOIN token id) adds
/// top-level sections, e.g. `governor:`.
struct KoinosToEthereumNode {
    let dir: String
    let config: String
    let ethText: String
    let koinosText: String
    let user: Secp256k1.PrivateKey
    let sim: KoinosSimulatorProcess
    let devnet: EthereumDevnetProcess
    let wrapped: [UInt8]
    let ethereum: EthereumRPCClient
    /// KOIN's token id on the simulator (base58).
    let koin: String

    /// Nil when the simulator is skipped (`BRIDGE_SKIP_DEVNET=1`).
    static func start(name: String, extraYAML: (_ koin: String) -> String = { _ in "" }) async throws -> KoinosToEthereumNode? {
        #expect(FileManager.default.isExecutableFile(atPath: relayBinary), "bridge-relay not built at \(relayBinary)")
        let env = StartupProcessTests.environment
        let dir = NSTemporaryDirectory() + name + "-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let passphrase = dir + "/passphrase"
        try "\(name) test".write(toFile: passphrase, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: passphrase)
        let keygen = try await ChildProcess.run(
            relayBinary, ["keygen", "--keystore", dir + "/keystore.json", "--passphrase-file", passphrase, "--insecure-fast-kdf"],
            environment: env, timeout: .seconds(60))
        #expect(keygen.status == 0, "\(keygen.stderr)")
        let show = try await ChildProcess.run(relayBinary, ["keys", "show", "--keystore", dir + "/keystore.json", "--json"], environment: env,
                                              timeout: .seconds(30))
        let keys = try #require(try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: String], "\(show.stdout)")
        let ethText = try #require(keys["ethereum_address"]), koinosText = try #require(keys["koinos_address"])

        let user = Secp256k1.PrivateKey.generate()
        let userAddress = KoinosAddress(publicKey: user.publicKey).base58
        guard let sim = try await KoinosSimulatorProcess.start([
            "--profile", "v2", "--validators", koinosText, "--block-interval-ms", "300", "--irreversible-depth", "2",
            "--account", "\(userAddress):5000000000", "--balance", "KOIN:\(userAddress):1000000000",
        ]) else { return nil }
        let devnet = try await EthereumDevnetProcess.start(arguments: ["--validators", ethText, "--bridge-chain-id", "2"], lifetime: 400)
        let wrapped = try #require(ChainHex.decode(devnet.ready["wrapped_token"] as? String ?? ""))
        let ethereum = EthereumRPCClient(transport: CurlHTTPTransport(url: devnet.rpc))
        let funder = EthereumAddress(publicKey: try Secp256k1.PrivateKey(rawRepresentation: [UInt8](repeating: 0, count: 31) + [1]).publicKey)
        _ = try await devnet.call("eth_sendTransaction", [["from": funder.checksummed, "to": ethText, "value": "0xde0b6b3a7640000"]])
        let koin = try #require(KoinosAddress(bytes: sim.koin)?.base58)

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
            "\(ChainHex.encode(wrapped).lowercased())": \(koin)
          watcher:
            enabled: true
            ethereum_chain_id: 2
            poll_interval_ms: 300
        \(extraYAML(koin))validators:
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
        return KoinosToEthereumNode(
            dir: dir, config: config, ethText: ethText, koinosText: koinosText, user: user, sim: sim, devnet: devnet, wrapped: wrapped,
            ethereum: ethereum, koin: koin)
    }
}
