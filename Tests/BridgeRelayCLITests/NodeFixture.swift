// SPDX-License-Identifier: Apache-2.0
import Foundation
import ProcessTestSupport
import Testing

/// A node folder for `run` / `config check` subprocess tests: a keystore (fast KDF) and a valid
/// configuration. The Ethereum endpoint is the real devnet when a test gives one (a node that
/// runs needs it), else a closed loopback port; Koinos is a closed port (the node keeps retrying
/// it); listen ports are chosen by the OS unless a test sets them.
struct NodeFixture {
    static let passphrase = "node fixture passphrase"
    static let environment = ["BRIDGE_RELAY_PASSPHRASE": passphrase]

    let directory: String
    /// Devnet tests are skipped with BRIDGE_SKIP_DEVNET=1, as elsewhere.
    static let devnetEnabled = ProcessInfo.processInfo.environment["BRIDGE_SKIP_DEVNET"] != "1"
    var configPath: String { directory + "/node.yaml" }
    var keystorePath: String { directory + "/keystore.json" }
    var dataDirectory: String { directory + "/data" }

    /// Makes the folder and its keystore (`keygen`), then writes the configuration.
    static func make(
        ethereum: EthereumDevnetProcess? = nil, httpListen: String = "127.0.0.1:0", p2pListen: String = "/ip4/127.0.0.1/tcp/0"
    ) async throws -> NodeFixture {
        var fixture = NodeFixture(directory: CLIRunner.temporaryDirectory())
        if let ethereum {
            fixture.ethereumRPC = ethereum.rpc
            fixture.chainID = ethereum.ready["chain_id"] as? Int ?? 1337
            fixture.contract = ethereum.ready["bridge"] as? String ?? fixture.contract
        }
        let created = try await CLIRunner.run(["keygen", "--keystore", fixture.keystorePath, "--insecure-fast-kdf"], environment: environment)
        #expect(created.status == 0, "keygen: \(created.stderr)")
        try fixture.writeConfig(httpListen: httpListen, p2pListen: p2pListen)
        return fixture
    }

    var ethereumRPC = "http://127.0.0.1:9/rpc"
    var chainID = 1337
    var contract = "0x5FbDB2315678afecb367f032d93F642f64180aa3"

    func writeConfig(httpListen: String, p2pListen: String) throws {
        let yaml = """
            ethereum:
              rpc: [\(ethereumRPC)]
              chain_id: \(chainID)
              contract: "\(contract)"
              finality: confirmations
              confirmations: 0
              start_block: 0
            koinos:
              rpc: http://127.0.0.1:9/
              chain_id: EiCPVX7YCu4Q1ApVcsMKNr0VkqE9LLBqt1AJoKjaVfVICA==
              bridge_contract: 1HT7xU2Ngenf7D4yocz2SAcnNLW7rK8d4E
              chain: 1
            p2p:
              listen: [\(p2pListen)]
            keystore:
              path: keystore.json
            http:
              listen: \(httpListen)
            data_dir: data
            log:
              format: json
            """
        try yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// Starts `bridge-relay run` (stderr captured) and waits until its HTTP API listens; nil (after
    /// stopping it) when it did not within 30 s.
    func startNode(environment: [String: String] = NodeFixture.environment) async throws -> ChildProcess? {
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("BRIDGE_RELAY_") }
        env.merge(environment) { $1 }
        let node = try ChildProcess(relayBinary, ["run", "--config", configPath], environment: env, errorOutput: .capture)
        _ = await eventually(.seconds(30)) { !node.isRunning || node.standardError.contains("http api listening") }
        if node.isRunning, node.standardError.contains("http api listening") { return node }
        Issue.record("the node did not start within 30 s: \(node.standardError.suffix(2000))")
        await node.stop()
        return nil
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}
