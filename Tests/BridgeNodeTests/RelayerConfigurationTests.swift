// SPDX-License-Identifier: Apache-2.0
import BridgeEthereum
import BridgeNode
import ChainCrypto
import Foundation
import Testing

/// `ethereum.relayer.*`: the Koinos → Ethereum sender's keys, read, checked and typed.
struct RelayerConfigurationTests {
    static func load(_ flags: [String], dataDir: String) throws -> BridgeNodeConfiguration {
        try GovernorConfigurationTests.load(flags, dataDir: dataDir)
    }

    @Test func defaultsAndSetValuesAreTypedInWei() throws {
        let dir = NSTemporaryDirectory() + "relayer-config-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let defaults = try Self.load([], dataDir: dir).validated().get()
        #expect(defaults.ethereumRelayer == .init(policy: .own, maxFeePerGas: 100_000_000_000, maxPriorityFeePerGas: 2_000_000_000, finality: .finalizedTag))
        let set = try Self.load([
            "ethereum.relayer.policy=none", "ethereum.relayer.max_fee_gwei=40", "ethereum.relayer.max_priority_fee_gwei=3",
            "ethereum.relayer.confirmations=6",
        ], dataDir: dir).validated().get()
        #expect(set.ethereumRelayer == .init(policy: .none, maxFeePerGas: 40_000_000_000, maxPriorityFeePerGas: 3_000_000_000, finality: .confirmations(6)))
        let key = try Secp256k1.PrivateKey(rawRepresentation: [UInt8](repeating: 0, count: 31) + [9])
        let sender = set.ethereumSenderConfiguration(validatorKey: key)
        #expect(sender.address == EthereumAddress(publicKey: key.publicKey).bytes)
        #expect(sender.bridge == set.ethereum.contract.bytes && sender.chainID == set.ethereum.chainID && sender.profile == set.ethereum.profile)
        #expect(sender.policy == .none && sender.maxFeePerGas == 40_000_000_000 && sender.finality == .confirmations(6))
    }

    @Test func badValuesAndUnknownKeysAreProblemsNamingTheirKey() throws {
        let dir = NSTemporaryDirectory() + "relayer-config-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let bad = try Self.load([
            "ethereum.relayer.policy=always", "ethereum.relayer.max_fee_gwei=0", "ethereum.relayer.max_fee=5",
        ], dataDir: dir)
        #expect(Set(bad.validate().map(\.key)) == ["ethereum.relayer.policy", "ethereum.relayer.max_fee_gwei", "ethereum.relayer.max_fee"])
        #expect(throws: ConfigurationProblems.self) { try bad.validated().get() }
        let tipAboveCap = try Self.load(["ethereum.relayer.max_fee_gwei=2", "ethereum.relayer.max_priority_fee_gwei=3"], dataDir: dir)
        #expect(tipAboveCap.validate().map(\.description) == tipAboveCap.validate().filter { $0.key == "ethereum.relayer.max_priority_fee_gwei" }.map(\.description))
        #expect(tipAboveCap.validate().first?.message.contains("must not exceed ethereum.relayer.max_fee_gwei (2)") == true)
        let huge = try Self.load(["ethereum.relayer.max_fee_gwei=18446744073709551615"], dataDir: dir)
        #expect(huge.validate().map(\.key) == ["ethereum.relayer.max_fee_gwei"], "× 10⁹ would overflow")
    }
}
