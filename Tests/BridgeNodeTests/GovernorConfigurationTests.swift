// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeNode
import ChainCrypto
import Foundation
import Testing

/// `governor.tokens`: read, checked against `koinos.tokens`, typed.
struct GovernorConfigurationTests {
    static let unmapped = "0x5FbDB2315678afecb367f032d93F642f64180aa3"

    static func load(_ flags: [String], dataDir: String) throws -> BridgeNodeConfiguration {
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        let base = ["keystore.path=\(ValidConfiguration.localnetFile)", "keystore.passphrase_file=", "data_dir=\(dataDir)"]
        return try BridgeNodeConfiguration.load(path: ValidConfiguration.localnetFile, environment: [:], flags: base + flags)
    }

    @Test func aMappedTokenIsTyped() throws {
        let dir = NSTemporaryDirectory() + "governor-config-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let typed = try Self.load(
            ["governor.tokens.native.daily_limit=1_000_000", "governor.tokens.native.single_transfer_threshold=250000"], dataDir: dir
        ).validated().get()
        let limits = try #require(typed.governor.tokens[[UInt8](repeating: 0, count: 20)])
        #expect(limits == GovernorLimits(dailyLimit: 1_000_000, singleTransferThreshold: 250_000, bigTransferDelayMilliseconds: 86_400_000))
        // Without the section there is no governor.
        #expect(try ValidConfiguration.make(dataDir: dir).governor.isEmpty)
    }

    @Test func configCheckRefusesATokenTheBridgeDoesNotMap() throws {
        let dir = NSTemporaryDirectory() + "governor-config-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let configuration = try Self.load(
            ["governor.tokens.\(Self.unmapped).daily_limit=10", "governor.tokens.\(Self.unmapped).single_transfer_threshold=5"], dataDir: dir)
        let problems = configuration.validate()
        #expect(problems.map(\.key) == ["governor.tokens.\(Self.unmapped)"])
        #expect(problems.first?.message.contains("koinos.tokens does not map") == true)
        #expect(throws: ConfigurationProblems.self) { try configuration.validated().get() }
    }

    @Test func missingLimitsZeroLimitAndUnknownKeysAreProblems() throws {
        let dir = NSTemporaryDirectory() + "governor-config-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let configuration = try Self.load(
            ["governor.tokens.native.daily_limit=0", "governor.tokens.native.big_transfer_delay=5"], dataDir: dir)
        let keys = Set(configuration.validate().map(\.key))
        #expect(keys == [
            "governor.tokens.native.daily_limit", "governor.tokens.native.single_transfer_threshold", "governor.tokens.native.big_transfer_delay",
        ])
    }

    /// Koinos → Ethereum: a Koinos token contract (a value of `koinos.tokens`) is governed under its base58 address.
    @Test func aMappedKoinosTokenIsTypedUnderItsKoinosAddress() throws {
        let dir = NSTemporaryDirectory() + "governor-config-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let koin = "1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH"  // what the localnet maps `native` to
        let typed = try Self.load([
            "governor.tokens.\(koin).daily_limit=700", "governor.tokens.\(koin).single_transfer_threshold=300",
            "governor.tokens.\(koin).big_transfer_delay_s=5",
        ], dataDir: dir).validated().get()
        let key = try #require(KoinosAddress(koin)?.bytes)
        #expect(typed.governor.tokens == [key: GovernorLimits(dailyLimit: 700, singleTransferThreshold: 300, bigTransferDelayMilliseconds: 5_000)])
    }

    @Test func configCheckRefusesAKoinosTokenTheBridgeDoesNotMap() throws {
        let dir = NSTemporaryDirectory() + "governor-config-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let unmapped = "1KazZFUnZSLjeXq2QrifdnYqiBvA7RVF3G"
        let configuration = try Self.load([
            "governor.tokens.\(unmapped).daily_limit=10", "governor.tokens.\(unmapped).single_transfer_threshold=5",
            "governor.tokens.notAKoinosAddress.daily_limit=10", "governor.tokens.notAKoinosAddress.single_transfer_threshold=5",
        ], dataDir: dir)
        let problems = configuration.validate()
        #expect(problems.map(\.key).sorted() == ["governor.tokens.\(unmapped)", "governor.tokens.notAKoinosAddress"])
        #expect(problems.first { $0.key == "governor.tokens.\(unmapped)" }?.message.contains("koinos.tokens does not map this Koinos token") == true)
        #expect(throws: ConfigurationProblems.self) { try configuration.validated().get() }
    }
}

