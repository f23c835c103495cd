// SPDX-License-Identifier: Apache-2.0
import ChainCrypto
import Foundation
import Testing

/// `keygen`, `keys show`, `keys import`, `sign` as subprocesses, including their failure modes.
struct KeyCommandTests {
    static let passphrase = "operator passphrase 42"
    static let environment = ["BRIDGE_RELAY_PASSPHRASE": passphrase]
    /// koinos.md §8.1.
    static let wif = "L3UfgFJWmbVziGB1uZBjkG1UjKkF7hhpXWY7mbTUdmycmvXCVtiL"
    static let secretHex = "bab7fd6e5bd624f4ea0c33f7e7219262a6fa93a945a8964d9f110148286b7b37"
    static let koinosAddress = "1GE2JqXw5LMQaU1sj82Dy8ZEe2BRXQS1cs"

    private func showJSON(_ path: String) async throws -> [String: String] {
        let result = try await CLIRunner.run(["keys", "show", "--keystore", path, "--json"])
        #expect(result.status == 0)
        #expect(result.stdout.split(separator: "\n").count == 1)
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: String] ?? [:]
    }

    private func importKnownKey(into path: String) async throws -> CLIRunner.Result {
        try await CLIRunner.run(["keys", "import", "--keystore", path, "--wif", "--insecure-fast-kdf"], environment: Self.environment, stdin: Self.wif + "\n")
    }

    @Test func keygenCreatesAKeystoreThatShowsAndSigns() async throws {
        let path = CLIRunner.temporaryDirectory() + "/validator.json"
        let created = try await CLIRunner.run(["keygen", "--keystore", path, "--insecure-fast-kdf"], environment: Self.environment)
        #expect(created.status == 0, "\(created.stderr)")
        #expect(!created.stdout.contains(Self.passphrase))
        let info = try await showJSON(path)
        #expect(Set(info.keys) == ["ethereum_address", "koinos_address", "public_key", "peer_id"])
        #expect(info["peer_id"]?.hasPrefix("Qm") == true)
        #expect(KoinosAddress(info["koinos_address"] ?? "") != nil)
        #expect(EthereumAddress(info["ethereum_address"] ?? "")?.checksummed == info["ethereum_address"])
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)

        let digest = "0x" + String(repeating: "ab", count: 32)
        let koinos = try await CLIRunner.run(["sign", "--keystore", path, "--digest", digest, "--format", "koinos"], environment: Self.environment)
        #expect(koinos.status == 0, "\(koinos.stderr)")
        let recoveredKoinos = try await CLIRunner.run(["recover", "--digest", digest, "--signature", koinos.line, "--format", "koinos"])
        #expect(recoveredKoinos.line == info["koinos_address"])

        let ethereum = try await CLIRunner.run(["sign", "--keystore", path, "--digest", digest, "--format", "ethereum"], environment: Self.environment)
        #expect(ethereum.line.hasPrefix("0x") && ethereum.line.count == 132)
        let recoveredEthereum = try await CLIRunner.run(["recover", "--digest", digest, "--signature", ethereum.line, "--format", "ethereum"])
        #expect(recoveredEthereum.line == info["ethereum_address"])
    }

    @Test func importedWIFKeySignsDeterministically() async throws {
        let path = CLIRunner.temporaryDirectory() + "/imported.json"
        let imported = try await importKnownKey(into: path)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(!imported.stdout.contains(Self.secretHex) && !imported.stdout.contains(Self.wif))
        let info = try await showJSON(path)
        #expect(info["koinos_address"] == Self.koinosAddress)
        #expect(info["public_key"] == "032921dd54fdd8fb5d2ab1a9928db7e9e08b34f8711a3332e0f1b36e71076b9cf2")
        // RFC 6979: the CLI's signature equals the library's for the same key and digest.
        let digest = SHA256Digest.hash(Array("cli".utf8))
        let key = try Secp256k1.PrivateKey(rawRepresentation: ChainHex.decode(Self.secretHex)!)
        let signed = try await CLIRunner.run(
            ["sign", "--keystore", path, "--digest", ChainHex.encode(digest), "--format", "koinos"], environment: Self.environment)
        #expect(signed.line == Base64URL.encode(try KoinosSignature.sign(digest: digest, key: key)))
    }

    @Test func importFromHexFileWithSecp256k1Identity() async throws {
        let dir = CLIRunner.temporaryDirectory()
        try Data((Self.secretHex + "\n").utf8).write(to: URL(fileURLWithPath: dir + "/secret"))
        try Data((Self.passphrase + "\n").utf8).write(to: URL(fileURLWithPath: dir + "/passphrase"))
        let result = try await CLIRunner.run([
            "keys", "import", "--keystore", dir + "/k.json", "--hex", "--secret-file", dir + "/secret",
            "--passphrase-file", dir + "/passphrase", "--p2p-key-type", "secp256k1", "--insecure-fast-kdf",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let info = try await showJSON(dir + "/k.json")
        #expect(info["koinos_address"] == Self.koinosAddress)
        #expect(info["peer_id"]?.hasPrefix("16Uiu2") == true)
        // The passphrase file's trailing newline is not part of the passphrase.
        let signed = try await CLIRunner.run(
            ["sign", "--keystore", dir + "/k.json", "--digest", "0x" + String(repeating: "01", count: 32), "--format", "ethereum"],
            environment: Self.environment)
        #expect(signed.status == 0, "\(signed.stderr)")
    }

    @Test func wrongPassphraseExitsOneWithOneLine() async throws {
        let path = CLIRunner.temporaryDirectory() + "/k.json"
        #expect(try await importKnownKey(into: path).status == 0)
        let result = try await CLIRunner.run(
            ["sign", "--keystore", path, "--digest", "0x" + String(repeating: "01", count: 32), "--format", "koinos"],
            environment: ["BRIDGE_RELAY_PASSPHRASE": "not it"])
        expectOneLineError(result, status: 1, mentioning: "wrong passphrase or tampered file")
        #expect(!result.stderr.contains("not it"))
    }

    @Test func tamperedKeystoreExitsOne() async throws {
        let path = CLIRunner.temporaryDirectory() + "/k.json"
        #expect(try await importKnownKey(into: path).status == 0)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try text.replacingOccurrences(of: Self.koinosAddress, with: "1Bf5W4LZ2FTmzPcA6d8QeLgAYmCKdZp2nN").write(toFile: path, atomically: false, encoding: .utf8)
        let result = try await CLIRunner.run(
            ["sign", "--keystore", path, "--digest", "0x" + String(repeating: "01", count: 32), "--format", "koinos"],
            environment: Self.environment)
        expectOneLineError(result, status: 1, mentioning: "wrong passphrase or tampered file")
        // Plain `show` displays what is stored; `--verify` unlocks and catches the edit.
        #expect(try await showJSON(path)["koinos_address"] == "1Bf5W4LZ2FTmzPcA6d8QeLgAYmCKdZp2nN")
        expectOneLineError(
            try await CLIRunner.run(["keys", "show", "--keystore", path, "--verify"], environment: Self.environment),
            status: 1, mentioning: "wrong passphrase or tampered file")
    }

    @Test func showVerifyUnlocksAnIntactKeystore() async throws {
        let path = CLIRunner.temporaryDirectory() + "/k.json"
        #expect(try await importKnownKey(into: path).status == 0)
        let verified = try await CLIRunner.run(["keys", "show", "--keystore", path, "--verify", "--json"], environment: Self.environment)
        #expect(verified.status == 0, "\(verified.stderr)")
        #expect(verified.stdout.contains(Self.koinosAddress))
    }

    @Test func keygenRefusesToOverwrite() async throws {
        let path = CLIRunner.temporaryDirectory() + "/k.json"
        #expect(try await importKnownKey(into: path).status == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let result = try await CLIRunner.run(["keygen", "--keystore", path, "--insecure-fast-kdf"], environment: Self.environment)
        expectOneLineError(result, status: 1, mentioning: "refusing to overwrite")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test func noPassphraseSourceWithoutATerminalExitsTwo() async throws {
        let path = CLIRunner.temporaryDirectory() + "/k.json"
        expectOneLineError(try await CLIRunner.run(["keygen", "--keystore", path]), status: 2, mentioning: "BRIDGE_RELAY_PASSPHRASE")
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func badImportAndSignInputExitsTwo() async throws {
        let dir = CLIRunner.temporaryDirectory()
        expectOneLineError(
            try await CLIRunner.run(["keys", "import", "--keystore", dir + "/a.json", "--wif"], environment: Self.environment, stdin: "5Kbogus"),
            status: 2, mentioning: "WIF")
        expectOneLineError(
            try await CLIRunner.run(["keys", "import", "--keystore", dir + "/b.json", "--wif", "--hex"], environment: Self.environment, stdin: Self.wif),
            status: 2, mentioning: "exactly one of --wif or --hex")
        expectOneLineError(
            try await CLIRunner.run(["keys", "import", "--keystore", dir + "/c.json", "--hex"], environment: Self.environment, stdin: String(repeating: "f", count: 64)),
            status: 2, mentioning: "valid secp256k1 key")
        expectOneLineError(
            try await CLIRunner.run(["keygen", "--keystore", dir + "/d.json", "--p2p-key-type", "rsa"], environment: Self.environment),
            status: 2, mentioning: "--p2p-key-type")
        expectOneLineError(
            try await CLIRunner.run(["sign", "--keystore", dir + "/none.json", "--digest", "0x12", "--format", "koinos"], environment: Self.environment),
            status: 2, mentioning: "--digest")
        expectOneLineError(
            try await CLIRunner.run(["sign", "--keystore", dir + "/none.json", "--digest", "0x" + String(repeating: "01", count: 32), "--format", "koinos"], environment: Self.environment),
            status: 1, mentioning: "does not exist")
        expectOneLineError(try await CLIRunner.run(["keys", "show", "--keystore", dir + "/none.json"]), status: 1, mentioning: "does not exist")
        expectOneLineError(
            try await CLIRunner.run(["keygen", "--keystore", dir + "/e.json", "--passphrase-file", dir + "/no-such-file"]),
            status: 2, mentioning: "cannot read passphrase file")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }
}
