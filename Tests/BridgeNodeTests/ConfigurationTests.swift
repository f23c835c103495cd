// SPDX-License-Identifier: Apache-2.0
import BridgeNode
import Foundation
import Testing

struct ConfigurationTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func write(_ text: String) throws -> String {
        let dir = NSTemporaryDirectory() + "bridge-config-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/node.yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func precedenceIsFileThenEnvironmentThenFlags() throws {
        let path = try Self.write("ethereum:\n  chain_id: 1\n  poll_interval_ms: 100\n  confirmations: 5\nhttp:\n  listen: 127.0.0.1:1000\n")
        let environment = ["BRIDGE_RELAY_ETHEREUM_POLL_INTERVAL_MS": "200", "BRIDGE_RELAY_ETHEREUM_CONFIRMATIONS": "6",
                           "BRIDGE_RELAY_DATA_DIR": "/env/data", "UNRELATED": "x"]
        let c = try BridgeNodeConfiguration.load(path: path, environment: environment, flags: ["ethereum.confirmations=7", "http.listen=127.0.0.1:3000"])
        #expect(c.ethereum.chainID == 1)  // file only
        #expect(c.ethereum.pollIntervalMs == 200)  // env beats file
        #expect(c.ethereum.confirmations == 7)  // flag beats env
        #expect(c.http.listen == "127.0.0.1:3000")  // flag beats file
        #expect(c.dataDir == "/env/data")  // top-level key from env
        #expect(c.ethereum.maxBlockWindow == 1000)  // default
    }

    @Test func environmentNamesMapToKeys() {
        #expect(ConfigSources.key(forEnvironment: "BRIDGE_RELAY_KOINOS_RC_LIMIT_CAP") == "koinos.rc_limit_cap")
        #expect(ConfigSources.key(forEnvironment: "BRIDGE_RELAY_P2P_LISTEN") == "p2p.listen")
        #expect(ConfigSources.key(forEnvironment: "BRIDGE_RELAY_DATA_DIR") == "data_dir")
        #expect(ConfigSources.key(forEnvironment: "HOME") == nil)
    }

    @Test func listsFromEnvironmentAreCommaSeparated() throws {
        let path = try Self.write("ethereum:\n  rpc: [http://a:1]\n")
        let c = try BridgeNodeConfiguration.load(path: path, environment: ["BRIDGE_RELAY_ETHEREUM_RPC": "http://b:2, http://c:3"])
        #expect(c.ethereum.rpc == ["http://b:2", "http://c:3"])
        let empty = try BridgeNodeConfiguration.load(path: path, environment: ["BRIDGE_RELAY_ETHEREUM_RPC": ""])
        #expect(empty.ethereum.rpc == [])
    }

    @Test func zeroAndEmptyMeanWhatTheySay() throws {
        let path = try Self.write("ethereum:\n  confirmations: 0\n  start_block: 0\n  poll_interval_ms: 0\nkoinos:\n  rpc: \"\"\n  chain: 0\np2p:\n  bootstrap: []\n  listen:\n")
        let c = try BridgeNodeConfiguration.load(path: path, environment: [:])
        #expect(c.ethereum.confirmations == 0)
        #expect(c.ethereum.startBlock == 0)
        #expect(c.ethereum.pollIntervalMs == 0)
        #expect(c.koinos.rpc == "")
        #expect(c.p2p.bootstrap == [] && c.p2p.listen == [])
        let keys = Set(c.validate().map(\.key))
        #expect(keys.contains("ethereum.poll_interval_ms"))  // refused, not replaced
        #expect(keys.contains("koinos.rpc"))
        #expect(!keys.contains("ethereum.confirmations"))  // 0 confirmations is a valid choice
        let absent = try BridgeNodeConfiguration.load(path: try Self.write("ethereum:\n  chain_id: 1\n"), environment: [:])
        #expect(absent.ethereum.startBlock == nil && absent.ethereum.confirmations == 12)
    }

    @Test func brokenYAMLIsOneClearError() throws {
        let path = try Self.write("ethereum:\n  rpc: [http://a\n  chain_id: : 1\n")
        #expect {
            _ = try BridgeNodeConfiguration.load(path: path, environment: [:])
        } throws: { error in
            guard case .brokenFile(let p, let detail) = error as? ConfigurationError else { return false }
            return p == path && detail.contains("line") && !detail.contains("\n")
        }
        #expect(throws: ConfigurationError.self) { try BridgeNodeConfiguration.load(path: try Self.write("- a\n- b\n"), environment: [:]) }
        #expect(throws: ConfigurationError.self) { try BridgeNodeConfiguration.load(path: "/nonexistent/node.yaml", environment: [:]) }
    }

    @Test func everyProblemNamesItsKey() throws {
        let yaml = """
            ethereum:
              rpc: [ftp://x, http://ok:8545, http://ok:8545]
              chain_id: 0
              contract: "0x5fbDB2315678afecb367f032d93F642f64180aa3"
              profile: v3
              finality: soon
              max_block_window: 0
              agreement: two_agree
              typo_key: 1
            koinos:
              rpc: localhost
              chain_id: abc
              bridge_contract: 1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMX
              chain: nine
              tokens:
                "0x12": 1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH
              signature_lifetime_ms: 0
              relayer_policy: anyone
            validators:
              - koinos_address: nope
                ethereum_address: "0x7e5f4552091a69125d5dfcb7b8c2659029395bdf"
                peer_id: 12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA
                colour: red
            p2p:
              listen: [/ip4/1.2.3/tcp/1]
              bootstrap: [/ip4/127.0.0.1/tcp/1]
            keystore:
              path: missing.json
            http:
              listen: localhost
            log:
              level: loud
              format: xml
            """
        let c = try BridgeNodeConfiguration.load(path: try Self.write(yaml), environment: [:])
        let problems = c.validate()
        let keys = Set(problems.map(\.key))
        for key in [
            "ethereum.rpc[0]", "ethereum.rpc", "ethereum.chain_id", "ethereum.contract", "ethereum.profile", "ethereum.finality",
            "ethereum.max_block_window", "ethereum.typo_key", "koinos.rpc", "koinos.chain_id", "koinos.bridge_contract", "koinos.chain",
            "koinos.tokens.0x12", "koinos.signature_lifetime_ms", "koinos.relayer_policy", "validators[0].koinos_address",
            "validators[0].colour", "p2p.listen[0]", "p2p.bootstrap[0]", "keystore.path", "http.listen", "log.level", "log.format",
        ] {
            #expect(keys.contains(key), "no problem reported for \(key)")
        }
        #expect(!keys.contains("validators[0].ethereum_address"))  // all-lowercase is accepted as is
        for problem in problems {
            #expect(problem.description.hasPrefix(problem.key + ": "))
            #expect(!problem.description.contains("\n"))
        }
        #expect(problems.first { $0.key == "ethereum.contract" }?.message.contains("checksum") == true)
        #expect(problems.first { $0.key == "koinos.bridge_contract" }?.message.contains("checksum") == true)
    }

    @Test func secretFileMustBePrivate() throws {
        let path = try Self.write("keystore:\n  path: node.yaml\n  passphrase_file: pass\n")
        let dir = (path as NSString).deletingLastPathComponent
        try "secret".write(toFile: dir + "/pass", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: dir + "/pass")
        var c = try BridgeNodeConfiguration.load(path: path, environment: [:])
        #expect(c.validate().contains { $0.key == "keystore.passphrase_file" && $0.message.contains("chmod 600") })
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: dir + "/pass")
        c = try BridgeNodeConfiguration.load(path: path, environment: [:])
        #expect(!c.validate().contains { $0.key.hasPrefix("keystore") })
    }

    /// The committed examples are valid except for the key files they name (which deploy/localnet creates).
    @Test(arguments: ["config/localnet/validator-1.yaml", "config/localnet/validator-2.yaml", "config/localnet/validator-3.yaml", "config/testnet.example.yaml"])
    func examplesValidateApartFromKeyFiles(file: String) throws {
        let c = try BridgeNodeConfiguration.load(path: Self.repository.appendingPathComponent(file).path, environment: [:])
        let problems = c.validate().filter { !$0.key.hasPrefix("keystore.") && $0.key != "data_dir" }
        #expect(problems.isEmpty, "\(file): \(problems.map(\.description))")
    }
}
