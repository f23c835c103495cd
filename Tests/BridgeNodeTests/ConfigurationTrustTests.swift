// SPDX-License-Identifier: Apache-2.0
import BridgeNode
import Foundation
import Testing

/// What a configuration trusts one RPC endpoint with (issue 19, H3 and M5): `two_agree` by default
/// with two Ethereum endpoints, `failover` still possible but warned about, and the Koinos
/// validator-set keys (`koinos.extra_rpc`, `koinos.validators_pin`).
struct ConfigurationTrustTests {
    static func load(_ yaml: String) throws -> BridgeNodeConfiguration {
        try BridgeNodeConfiguration.load(path: try ConfigurationTests.write(yaml), environment: [:])
    }

    @Test func twoEthereumEndpointsDefaultToTwoAgreeAndFailoverStaysPossible() throws {
        #expect(try Self.load("ethereum:\n  rpc: [http://a:1, http://b:2]\n").ethereum.agreement == "two_agree")
        #expect(try Self.load("ethereum:\n  rpc: [http://a:1]\n").ethereum.agreement == "failover")
        let explicit = try Self.load("ethereum:\n  rpc: [http://a:1, http://b:2]\n  agreement: failover\n")
        #expect(explicit.ethereum.agreement == "failover")
        #expect(!explicit.validate().contains { $0.key == "ethereum.agreement" }, "an explicit failover is allowed")
    }

    @Test func failoverAndAnUnconfirmedKoinosSetAreWarnedAbout() throws {
        let failover = try Self.load("ethereum:\n  rpc: [http://a:1, http://b:2]\n  agreement: failover\n").trustWarnings()
        let ethereum = try #require(failover.first { $0.key == "ethereum.agreement" })
        #expect(ethereum.description.hasPrefix("ethereum.agreement: failover trusts one Ethereum endpoint at a time"))
        #expect(ethereum.message.contains("set ethereum.agreement: two_agree"))
        #expect(failover.contains { $0.key == "koinos.rpc" && $0.message.contains("koinos.validators_pin") })
        let single = try Self.load("ethereum:\n  rpc: [http://a:1]\n").trustWarnings()
        #expect(single.first { $0.key == "ethereum.agreement" }?.message.contains("add a second provider") == true)

        let trusted = try Self.load("""
            ethereum:
              rpc: [http://a:1, http://b:2]
            koinos:
              rpc: http://k:1
              extra_rpc: [http://k:2]
            """).trustWarnings()
        #expect(trusted.isEmpty, "\(trusted)")
        for line in failover + single { #expect(!line.description.contains("\n")) }
    }

    @Test func koinosTrustKeysAreReadAndChecked() throws {
        let c = try Self.load("""
            koinos:
              rpc: http://k:1
              extra_rpc: [http://k:2, ftp://k, http://k:1]
              validators_pin: [1FaSvLjQJsCJKq5ybmGsMMQs8RQYyVv8ju, nope, 1FaSvLjQJsCJKq5ybmGsMMQs8RQYyVv8ju]
            """)
        #expect(c.koinos.extraRPC == ["http://k:2", "ftp://k", "http://k:1"])
        #expect(c.koinos.validatorsPin.count == 3)
        let keys = Set(c.validate().map(\.key))
        for key in ["koinos.extra_rpc[1]", "koinos.extra_rpc", "koinos.validators_pin[1]", "koinos.validators_pin"] {
            #expect(keys.contains(key), "no problem for \(key)")
        }
        #expect(!keys.contains("koinos.extra_rpc[0]") && !keys.contains("koinos.validators_pin[0]"))
        #expect(!keys.contains("koinos.extra_rpc.0"), "not an unknown key")
    }
}
