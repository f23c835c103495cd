// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeEthereum
import BridgeNode
import ChainCrypto
import Foundation
import Logging
import Testing

/// `validated()` turns the file's strings into the values the composition root uses, or refuses
/// with the same lines `config check` prints: nothing falls back to a default, nothing is dropped.
struct ValidatedConfigurationTests {
    static let dataDir = NSTemporaryDirectory()

    @Test func theLocalnetExampleBecomesTypedValues() throws {
        let c = try ValidConfiguration.make(dataDir: Self.dataDir)
        #expect(c.ethereum.profile == .v2)
        #expect(c.ethereum.finality == .confirmations(2))
        #expect(c.ethereum.trust == .failover)
        #expect(c.ethereum.contract == EthereumAddress("0x5FbDB2315678afecb367f032d93F642f64180aa3"))
        #expect(c.koinos.relayerPolicy == .own)
        #expect(c.koinos.chainID.count == 34)
        let native = try #require(KoinosAddress("1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH")).bytes
        #expect(c.koinos.tokens == [[UInt8](repeating: 0, count: 20): native])
        #expect(c.p2p.listen.map(\.description) == ["/ip4/127.0.0.1/tcp/8891"])
        #expect(c.p2p.bootstrap.count == 1)
        #expect(c.httpListen?.host == "127.0.0.1" && c.httpListen?.port == 8181)
        #expect(c.logLevel == .info && c.logFormat == .auto)
        #expect(c.initialValidators.count == 3)
        #expect(c.dataDirectory == Self.dataDir)
    }

    @Test(arguments: [
        ("ethereum.finality=eventually", "ethereum.finality"),
        ("koinos.relayer_policy=sometimes", "koinos.relayer_policy"),
        ("ethereum.agreement=majority", "ethereum.agreement"),
        ("log.format=xml", "log.format"),
    ])
    func anUnknownModeIsRefusedNotDefaulted(flag: String, key: String) throws {
        let source = try BridgeNodeConfiguration.load(
            path: ValidConfiguration.localnetFile, environment: [:],
            flags: ["keystore.path=\(ValidConfiguration.localnetFile)", "keystore.passphrase_file=", "data_dir=\(Self.dataDir)", flag])
        guard case .failure(let refused) = source.validated() else {
            Issue.record("\(flag) was accepted")
            return
        }
        #expect(refused.problems.map(\.key) == [key])
    }

    @Test func aBadTokenEntryIsRefusedNotDropped() throws {
        let source = try BridgeNodeConfiguration.load(
            path: ValidConfiguration.localnetFile, environment: [:],
            flags: ["keystore.path=\(ValidConfiguration.localnetFile)", "keystore.passphrase_file=", "data_dir=\(Self.dataDir)",
                    "koinos.tokens.native=not-an-address"])
        guard case .failure(let refused) = source.validated() else {
            Issue.record("a token mapped to a garbage address was accepted")
            return
        }
        #expect(refused.problems.map(\.key) == ["koinos.tokens.native"])
    }

    @Test func switchesBecomeValues() throws {
        let c = try ValidConfiguration.make(
            dataDir: Self.dataDir,
            ["http.enabled=false", "koinos.relayer_policy=none", "ethereum.finality=safe", "log.level=debug", "log.format=json"])
        #expect(c.httpListen == nil)
        #expect(c.koinos.relayerPolicy == .none)
        #expect(c.ethereum.finality == .safe)
        #expect(c.logLevel == .debug && c.logFormat == .json)
    }
}
