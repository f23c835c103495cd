// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeKoinos
import BridgeNode
import ChainCrypto
import Foundation
import Testing

/// `koinos.watcher.*`: off by default, typed with the token map reversed, refused with a reason when unusable.
struct KoinosWatcherConfigurationTests {
    static func load(_ flags: [String], dataDir: String) throws -> BridgeNodeConfiguration {
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        let base = ["keystore.path=\(ValidConfiguration.localnetFile)", "keystore.passphrase_file=", "data_dir=\(dataDir)"]
        return try BridgeNodeConfiguration.load(path: ValidConfiguration.localnetFile, environment: [:], flags: base + flags)
    }

    @Test func offByDefaultAndTypedWhenEnabled() throws {
        let dir = NSTemporaryDirectory() + "koinos-watcher-config-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try ValidConfiguration.make(dataDir: dir).koinosWatcher == nil)
        let typed = try Self.load([
            "koinos.watcher.enabled=true", "koinos.watcher.start_height=42", "koinos.watcher.max_blocks_per_window=200",
            "koinos.watcher.ethereum_chain_id=2",
        ], dataDir: dir).validated().get()
        let w = try #require(typed.koinosWatcher)
        #expect(w.startHeight == 42 && w.maxBlocksPerWindow == 200 && w.pollIntervalMs == 1_000)
        #expect(w.bridgeContract == typed.koinos.bridgeContract.bytes && w.chainID == typed.koinos.chainID)
        #expect(w.judge.profile == .v2 && w.judge.ethereumChainID == 2 && w.judge.ethereumBridge == typed.ethereum.contract.bytes)
        // koinos.tokens maps native (ETH, zero address) → the Koinos token; the watcher reads it backwards
        let koinosToken = try #require(KoinosAddress("1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH")).bytes
        #expect(w.judge.tokens == [koinosToken: [UInt8](repeating: 0, count: 20)])
        #expect(w.judge.signatureLifetimeMs == typed.koinos.signatureLifetimeMs)
    }

    @Test func unusableSettingsAreRefusedWithTheirKey() throws {
        let dir = NSTemporaryDirectory() + "koinos-watcher-config-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let problems = try Self.load(["koinos.watcher.enabled=true", "koinos.watcher.max_blocks_per_window=0", "koinos.watcher.poll_interval_ms=0"],
                                     dataDir: dir).validate()
        let keys = Set(problems.map(\.key))
        #expect(keys.isSuperset(of: ["koinos.watcher.max_blocks_per_window", "koinos.watcher.poll_interval_ms", "koinos.watcher.ethereum_chain_id"]),
                "\(problems)")
        let typo = try Self.load(["koinos.watcher.enabeld=true"], dataDir: dir).validate()
        #expect(typo.contains { $0.key == "koinos.watcher.enabeld" }, "\(typo)")
    }

    @Test func agreementIsTwoAgreeWithASecondEndpointAndRefusedWhenUnusable() throws {
        let dir = NSTemporaryDirectory() + "koinos-watcher-config-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let base = ["koinos.watcher.enabled=true", "koinos.watcher.ethereum_chain_id=2"]
        func agreement(_ flags: [String]) throws -> KoinosEndpointAgreement? {
            try Self.load(base + flags, dataDir: dir).validated().get().koinosWatcher?.agreement
        }
        #expect(try agreement([]) == .failover)
        #expect(try agreement(["koinos.extra_rpc=http://127.0.0.1:8081"]) == .twoAgree)
        #expect(try agreement(["koinos.extra_rpc=http://127.0.0.1:8081", "koinos.watcher.agreement=failover"]) == .failover)
        // failover is allowed but warned about; two_agree is not
        #expect(try Self.load(base, dataDir: dir).trustWarnings().contains { $0.key == "koinos.watcher.agreement" })
        #expect(try !Self.load(base + ["koinos.extra_rpc=http://127.0.0.1:8081"], dataDir: dir).trustWarnings().contains { $0.key == "koinos.watcher.agreement" })
        for (flag, message) in [("koinos.watcher.agreement=trust_all", "must be failover or two_agree"),
                                ("koinos.watcher.agreement=two_agree", "two_agree needs a second endpoint")] {
            let problems = try Self.load(base + [flag], dataDir: dir).validate()
            #expect(problems.contains { $0.key == "koinos.watcher.agreement" && $0.message.contains(message) }, "\(problems)")
        }
    }
}
