// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing

/// Operator mistakes answered with one clear line that echoes no secret (issue 12, items 6, 10).
struct OperatorMistakeTests {
    @Test func aFolderGivenAsConfigIsOneClearLine() async throws {
        let dir = CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try await CLIRunner.run(["config", "check", "--config", dir])
        #expect(result.status == 1)
        #expect(result.stdout == "\(dir): cannot read: is a directory; --config takes the YAML file (e.g. \(dir)/node.yaml)\n", "\(result.stdout)")
        #expect(!result.stdout.contains("NSCocoaErrorDomain"))
    }

    @Test func oneBadSetFlagDoesNotHideTheOtherProblems() async throws {
        let dir = CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "ethereum:\n  chain_id: -5\n  finality: [1, 2]\n".write(toFile: dir + "/node.yaml", atomically: true, encoding: .utf8)
        let result = try await CLIRunner.run(["config", "check", "--config", dir + "/node.yaml", "--set", "no-equals-sign", "--set", "log.level=loud"])
        #expect(result.status == 1)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("--set: expected section.key=value, got 'no-equals-sign'"), "\(result.stdout)")
        #expect(lines.contains { $0.hasPrefix("log.level: must be trace") })
        // An unreadable value is one line, not a second one about the value it fell back to.
        #expect(lines.filter { $0.hasPrefix("ethereum.chain_id:") } == ["ethereum.chain_id: expected an unsigned integer, got '-5'"])
        #expect(lines.filter { $0.hasPrefix("ethereum.finality:") }.count == 1, "\(result.stdout)")
    }

    @Test func aLongValueIsShortenedInItsMessage() async throws {
        let dir = CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let long = String(repeating: "x", count: 200_000)
        try "ethereum:\n  profile: \(long)\n".write(toFile: dir + "/node.yaml", atomically: true, encoding: .utf8)
        let result = try await CLIRunner.run(["config", "check", "--config", dir + "/node.yaml"])
        let line = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("ethereum.profile:") })
        #expect(line == "ethereum.profile: must be v1 or v2, got '\(String(repeating: "x", count: 60))…' (200000 bytes)")
        #expect(result.stdout.utf8.count < 10_000)
    }

    @Test(arguments: [["--hex", KeyCommandTests.secretHex], ["--hex=" + KeyCommandTests.secretHex], ["--wif", KeyCommandTests.wif]])
    func keysImportNeverEchoesASecretGivenOnTheCommandLine(_ mistake: [String]) async throws {
        let path = CLIRunner.temporaryDirectory() + "/k.json"
        let result = try await CLIRunner.run(["keys", "import", "--keystore", path] + mistake)
        #expect(result.status == 2)
        #expect(!result.stderr.contains(KeyCommandTests.secretHex) && !result.stderr.contains(KeyCommandTests.wif), "\(result.stderr)")
        #expect(result.stderr.hasPrefix("error: ") && result.stderr.contains("hidden"), "\(result.stderr)")
    }

    @Test func p2pIDReadsTheKeystore() async throws {
        let path = CLIRunner.temporaryDirectory() + "/k.json"
        let created = try await CLIRunner.run(["keygen", "--keystore", path, "--insecure-fast-kdf"], environment: KeyCommandTests.environment)
        #expect(created.status == 0)
        let shown = try await CLIRunner.run(["keys", "show", "--keystore", path, "--json"])
        let peerID = try #require((try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: String])?["peer_id"])
        let id = try await CLIRunner.run(["p2p", "id", "--keystore", path], environment: KeyCommandTests.environment)
        #expect(id.status == 0, "\(id.stderr)")
        #expect(id.stdout.hasPrefix("peer id:    \(peerID)\n"), "\(id.stdout)")
        let wrong = try await CLIRunner.run(["p2p", "id", "--keystore", path], environment: ["BRIDGE_RELAY_PASSPHRASE": "wrong"])
        expectOneLineError(wrong, status: 1, mentioning: "wrong passphrase")
    }

    @Test func ethScanMasksAnAPIKeyInTheEndpointPath() async throws {
        let key = "9aa3d95b3bc440fa88ea12eaa4456161"
        let result = try await CLIRunner.run([
            "eth", "scan", "--rpc", "http://user:pw@127.0.0.1:9/v3/\(key)?apikey=alsosecret", "--contract",
            "0x5FbDB2315678afecb367f032d93F642f64180aa3", "--from", "0", "--timeout", "2",
        ])
        #expect(result.status == 1)
        #expect(result.stderr.contains("http://***@127.0.0.1:9/v3/***?apikey=***"), "\(result.stderr)")
        for secret in [key, "alsosecret", ":pw@"] { #expect(!result.stderr.contains(secret)) }
    }
}
