// SPDX-License-Identifier: Apache-2.0
import BridgeNode
import Foundation
import Testing

/// Configuration messages an operator can act on (issue 12, items 3 and 6): the passphrase
/// variable is not a key, one line per unreadable key, long values shortened, a folder given as
/// the file named as such, a bad flag reported beside the other problems.
struct ConfigMessageTests {
    @Test func passphraseAndBinaryVariablesAreNotConfigurationKeys() throws {
        #expect(ConfigSources.key(forEnvironment: "BRIDGE_RELAY_PASSPHRASE") == nil)
        #expect(ConfigSources.key(forEnvironment: "BRIDGE_RELAY_BIN") == nil)
        let path = try ConfigurationTests.write("ethereum:\n  chain_id: 1\n")
        let c = try BridgeNodeConfiguration.load(
            path: path, environment: ["BRIDGE_RELAY_PASSPHRASE": "hunter2 secret", "BRIDGE_RELAY_BIN": "/x", "BRIDGE_RELAY_LOG_LEVEL": "debug"])
        let problems = c.validate()
        #expect(!problems.contains { $0.key == "passphrase" || $0.key == "bin" }, "\(problems)")
        #expect(!problems.map(\.description).joined().contains("hunter2"))
        #expect(c.log.level == "debug")  // the other variables still apply
    }

    @Test(arguments: [("ethereum:\n  chain_id: -5\n", "ethereum.chain_id"), ("ethereum:\n  finality: [1, 2]\n", "ethereum.finality"),
                      ("koinos:\n  rpc: {a: 1}\n", "koinos.rpc"), ("log:\n  level: [x]\n", "log.level")])
    func anUnreadableValueIsOneLine(yaml: String, key: String) throws {
        let c = try BridgeNodeConfiguration.load(path: try ConfigurationTests.write(yaml), environment: [:])
        let lines = c.validate().filter { $0.key == key }
        #expect(lines.count == 1, "\(lines)")
    }

    @Test func longValuesAreShortenedAndStayOnOneLine() throws {
        let long = String(repeating: "v", count: 200_000)
        let yaml = "ethereum:\n  profile: \(long)\n  contract: \"0x\(long)\"\n  rpc: [\"http://\(long)\"]\nlog:\n  format: \"a\\nb\"\n\(String(repeating: "k", count: 500)): 1\n"
        let problems = try BridgeNodeConfiguration.load(path: try ConfigurationTests.write(yaml), environment: [:]).validate()
        #expect(problems.count >= 4)
        for problem in problems {
            #expect(problem.description.utf8.count < 300, "\(problem.description.prefix(200))")
            #expect(!problem.description.contains("\n"))
        }
        #expect(problems.first { $0.key == "ethereum.profile" }?.message == "must be v1 or v2, got '\(String(repeating: "v", count: 60))…' (200000 bytes)")
        #expect(problems.first { $0.key == "log.format" }?.message == "must be auto, human or json, got 'a\\nb'")
    }

    @Test func aFolderGivenAsTheFileIsNamedAsSuch() throws {
        let dir = NSTemporaryDirectory() + "bridge-config-dir-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect {
            _ = try BridgeNodeConfiguration.load(path: dir, environment: [:])
        } throws: { error in
            let text = "\(error)"
            return text.contains("is a directory") && !text.contains("NSCocoaErrorDomain")
        }
        #expect {
            _ = try BridgeNodeConfiguration.load(path: dir + "/missing.yaml", environment: [:])
        } throws: { "\($0)".hasSuffix("cannot read: no such file") }
    }

    @Test func badFlagsAreProblemsBesideTheOthers() throws {
        let c = try BridgeNodeConfiguration.load(path: nil, environment: [:], flags: ["no-equals", "log.level=loud", "a..b=1", "=x"])
        let problems = c.validate()
        #expect(problems.filter { $0.key == "--set" }.map(\.message) == [
            "expected section.key=value, got 'no-equals'", "expected section.key=value, got 'a..b=1'", "expected section.key=value, got '=x'",
        ])
        #expect(problems.contains { $0.key == "log.level" })
        #expect(problems.contains { $0.key == "ethereum.rpc" })
    }

    @Test func urlsInMessagesAreRedacted() throws {
        let c = try BridgeNodeConfiguration.load(
            path: try ConfigurationTests.write("koinos:\n  rpc: \"ftp://u:p@host/v3/9aa3d95b3bc440fa88ea12eaa4456161\"\n"), environment: [:])
        let message = try #require(c.validate().first { $0.key == "koinos.rpc" }?.message)
        #expect(!message.contains("9aa3d95b") && !message.contains("u:p@"), "\(message)")
    }
}
