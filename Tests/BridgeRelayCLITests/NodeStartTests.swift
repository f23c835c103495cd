// SPDX-License-Identifier: Apache-2.0
import Foundation
import ProcessTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `run` and `config check` against a real keystore and configuration (issue 12, items 2–4, 6):
/// the environment passphrase, the instance lock on the data folder, a port in use, the keystore
/// unlock in `config check`.
@Suite(.serialized)
struct NodeStartTests {
    @Test(.timeLimit(.minutes(5)), .enabled(if: NodeFixture.devnetEnabled))
    func environmentPassphraseWorksForRunAndConfigCheck() async throws {
        let devnet = try await EthereumDevnetProcess.start()
        defer { devnet.terminate() }
        let fixture = try await NodeFixture.make(ethereum: devnet)
        defer { fixture.remove() }
        let check = try await CLIRunner.run(["config", "check", "--config", fixture.configPath], environment: NodeFixture.environment)
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.split(separator: "\n").last == "ok", "\(check.stdout)")
        #expect(!check.stdout.contains(NodeFixture.passphrase) && !check.stderr.contains(NodeFixture.passphrase))

        let node = try #require(try await fixture.startNode())
        #expect(!node.standardError.contains("unknown key"))
        #expect(!node.standardError.contains(NodeFixture.passphrase))
        #expect(await node.stop(grace: .seconds(20)) == 0, "graceful stop: \(node.standardError.suffix(1500))")
    }

    @Test(.timeLimit(.minutes(5)), .enabled(if: NodeFixture.devnetEnabled))
    func aSecondRunOnTheSameDataFolderIsRefusedNamingTheHolder() async throws {
        let devnet = try await EthereumDevnetProcess.start()
        defer { devnet.terminate() }
        let fixture = try await NodeFixture.make(ethereum: devnet)
        defer { fixture.remove() }
        let first = try #require(try await fixture.startNode())
        let second = try await CLIRunner.run(["run", "--config", fixture.configPath], environment: NodeFixture.environment)
        #expect(second.status == 1)
        let lines = second.stderr.split(separator: "\n")
        #expect(lines.count == 1, "one line expected: \(second.stderr)")
        #expect(second.stderr.contains(fixture.dataDirectory) && second.stderr.contains("pid \(first.pid)"), "\(second.stderr)")
        #expect(first.isRunning)

        // Another data folder, the same keystore: refused too (one validator key, one node).
        let sameKey = try await CLIRunner.run(
            ["run", "--config", fixture.configPath, "--data-dir", fixture.directory + "/other-data"], environment: NodeFixture.environment)
        #expect(sameKey.status == 1)
        #expect(sameKey.stderr == "refusing to start: keystore \(fixture.keystorePath) is in use by another bridge-relay (pid \(first.pid)); stop it first or use another keystore\n",
                "\(sameKey.stderr)")

        // `config check` on the running node's configuration: a note, not a port problem.
        let check = try await CLIRunner.run(["config", "check", "--config", fixture.configPath], environment: NodeFixture.environment)
        #expect(check.stdout.contains("note: data folder") && check.stdout.contains("pid \(first.pid)"), "\(check.stdout)")

        // SIGKILL: the kernel releases the lock, a new node starts on the same folder at once.
        await first.stop(signal: SIGKILL, grace: .seconds(5))
        let third = try #require(try await fixture.startNode())
        await third.stop(grace: .seconds(20))
    }

    @Test(.timeLimit(.minutes(2)), arguments: ["http.listen", "p2p.listen[0]"])
    func aListenAddressInUseIsOneLineNamingTheKey(key: String) async throws {
        let listener = try #require(LoopbackListener())
        defer { listener.close() }
        let port = listener.port
        let address = "127.0.0.1:\(port)"
        let fixture = try await NodeFixture.make(
            httpListen: key == "http.listen" ? address : "127.0.0.1:0",
            p2pListen: key == "http.listen" ? "/ip4/127.0.0.1/tcp/0" : "/ip4/127.0.0.1/tcp/\(port)")
        defer { fixture.remove() }

        let check = try await CLIRunner.run(["config", "check", "--config", fixture.configPath], environment: NodeFixture.environment)
        #expect(check.status == 1)
        #expect(check.stdout == "\(key): \(address) is already in use by another process; choose a free port or stop that process\n", "\(check.stdout)")

        let run = try await CLIRunner.run(["run", "--config", fixture.configPath], environment: NodeFixture.environment)
        #expect(run.status == 1)
        #expect(run.stderr == "refusing to start: \(key): \(address) is already in use by another process; choose a free port or stop that process\n",
                "\(run.stderr)")
        for misleading in ["CancellationError", "Already closed", "errno 98"] { #expect(!run.stderr.contains(misleading)) }
    }

    @Test(.timeLimit(.minutes(2)))
    func configCheckUnlocksTheKeystoreAndRunSaysWhyOnce() async throws {
        let fixture = try await NodeFixture.make()
        defer { fixture.remove() }
        let wrong = ["BRIDGE_RELAY_PASSPHRASE": "not the passphrase"]
        let check = try await CLIRunner.run(["config", "check", "--config", fixture.configPath], environment: wrong)
        #expect(check.status == 1)
        #expect(check.stdout == "keystore.path: cannot unlock keystore \(fixture.keystorePath): wrong passphrase or tampered file\n", "\(check.stdout)")

        let run = try await CLIRunner.run(["run", "--config", fixture.configPath], environment: wrong)
        #expect(run.status == 1)
        #expect(run.stderr == "refusing to start: cannot unlock keystore \(fixture.keystorePath): wrong passphrase or tampered file\n", "\(run.stderr)")

        // A garbage keystore is reported without any passphrase too (the clear fields are read).
        try "garbage".write(toFile: fixture.keystorePath, atomically: true, encoding: .utf8)
        let garbage = try await CLIRunner.run(["config", "check", "--config", fixture.configPath])
        #expect(garbage.status == 1)
        #expect(garbage.stdout.hasPrefix("keystore.path: keystore \(fixture.keystorePath) is malformed"), "\(garbage.stdout)")
    }
}
