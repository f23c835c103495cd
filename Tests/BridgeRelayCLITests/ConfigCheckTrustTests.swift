// SPDX-License-Identifier: Apache-2.0
import Foundation
import ProcessTestSupport
import Testing

/// `config check` says plainly what one RPC endpoint is trusted with (issue 19, H3/M5): warning
/// lines before `ok`, exit 0; none once two Ethereum endpoints agree and the Koinos set is confirmed.
struct ConfigCheckTrustTests {
    static func check(_ extra: [String]) async throws -> CLIRunner.Result {
        let dir = CLIRunner.temporaryDirectory()
        let keystore = dir + "/keystore.json"
        // A real keystore: `config check` reads its clear fields (a garbage file is a problem of its own).
        let created = try await CLIRunner.run(["keygen", "--keystore", keystore, "--insecure-fast-kdf"], environment: NodeFixture.environment)
        #expect(created.status == 0, "keygen: \(created.stderr)")
        return try await CLIRunner.run([
            "config", "check", "--config", repositoryRoot + "/config/localnet/validator-1.yaml", "--set", "keystore.path=\(keystore)",
            "--set", "keystore.passphrase_file=", "--set", "data_dir=\(dir)/data",
        ] + extra)
    }

    @Test func failoverAndAnUnconfirmedValidatorSetArePrintedAsWarnings() async throws {
        let result = try await Self.check([])
        #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.last == "ok")
        #expect(lines.contains { $0.hasPrefix("warning: ethereum.agreement: failover trusts one Ethereum endpoint at a time") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("warning: koinos.rpc: the validator set is read from this one Koinos endpoint") }, "\(lines)")
    }

    @Test func twoAgreeAndASecondKoinosEndpointPrintNoWarning() async throws {
        let result = try await Self.check([
            "--set", "ethereum.rpc=http://127.0.0.1:8545,http://127.0.0.1:8546", "--set", "ethereum.agreement=two_agree",
            "--set", "koinos.extra_rpc=http://127.0.0.1:8081",
        ])
        #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
        #expect(result.line == "ok", "\(result.stdout)")
    }
}
