// SPDX-License-Identifier: Apache-2.0
import ChainCrypto
import Foundation
import Koinos
import KoinosTestSupport
import ProcessTestSupport
import Testing

/// `bridge-relay run` at start (issue 12, item 7), as an operator sees it: chain endpoints that are
/// down at boot leave the node running, retrying, with "unreachable" lines (it used to exit with
/// "no endpoint serves chain id 1337"); a wrong `koinos.chain_id` ends it with one line.
@Suite(.serialized)
struct StartupProcessTests {
    /// A throwaway keystore and the `run` flags over the documented localnet-1 layout.
    static func node(_ overrides: [String]) async throws -> (dir: String, arguments: [String]) {
        #expect(FileManager.default.isExecutableFile(atPath: relayBinary), "bridge-relay not built at \(relayBinary)")
        let dir = NSTemporaryDirectory() + "bridge-startup-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let passphrase = dir + "/passphrase"
        try "startup test".write(toFile: passphrase, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: passphrase)
        let keygen = try await ChildProcess.run(
            relayBinary, ["keygen", "--keystore", dir + "/keystore.json", "--passphrase-file", passphrase, "--insecure-fast-kdf"],
            environment: environment, timeout: .seconds(60))
        #expect(keygen.status == 0, "\(keygen.stderr)")
        let sets = [
            "keystore.path=\(dir)/keystore.json", "keystore.passphrase_file=\(passphrase)", "data_dir=\(dir)/data", "http.listen=127.0.0.1:0",
            "p2p.listen=/ip4/127.0.0.1/tcp/0", "p2p.bootstrap=", "log.format=json",
        ] + overrides
        return (dir, ["run", "--config", repositoryRoot + "/config/localnet/validator-1.yaml"] + sets.flatMap { ["--set", $0] })
    }

    /// The test's environment without `BRIDGE_RELAY_*` (they are configuration overrides).
    static var environment: [String: String] { ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("BRIDGE_RELAY_") } }

    static func log(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    @Test(.timeLimit(.minutes(2)))
    func unreachableChainEndpointsAtStartLeaveTheNodeRunningAndRetrying() async throws {
        let (dir, arguments) = try await Self.node(["ethereum.rpc=http://127.0.0.1:1", "koinos.rpc=http://127.0.0.1:1"])
        let logPath = dir + "/node.log"
        let node = try ChildProcess(relayBinary, arguments, environment: Self.environment, errorOutput: .file(logPath))
        let both = try await eventually(.seconds(30)) {
            let log = Self.log(logPath)
            return log.contains("Ethereum endpoint unreachable at start; retrying") && log.contains("Koinos endpoint unreachable at start; retrying")
                && log.contains("\"retry.attempt\":\"2\"")  // a second round: still running, still retrying
        }
        #expect(both, "\(Self.log(logPath).suffix(1_500))")
        #expect(node.isRunning, "the node keeps running: \(Self.log(logPath).suffix(800))")
        #expect(!Self.log(logPath).contains("serves chain id"))
        let status = await node.stop(signal: SIGTERM, grace: .seconds(20))
        #expect(status == 0, "SIGTERM ends the waiting node cleanly: \(Self.log(logPath).suffix(800))")
        if status == 0 { try? FileManager.default.removeItem(atPath: dir) }
    }

    @Test(.timeLimit(.minutes(2)))
    func aWrongKoinosChainIDEndsTheNodeWithOneLineNamingBothIDs() async throws {
        guard let sim = try await KoinosSimulatorProcess.start(["--validators", "1FaSvLjQJsCJKq5ybmGsMMQs8RQYyVv8ju", "--block-interval-ms", "0"])
        else { return }
        let served = Base64URL.encode(try await sim.rpc.chainID())
        let wrong = Base64URL.encode([0x12, 0x20] + SHA256Digest.hash(Array("not the simulator's chain".utf8)))
        let (dir, arguments) = try await Self.node(["ethereum.rpc=http://127.0.0.1:1", "koinos.rpc=\(sim.rpcURL)", "koinos.chain_id=\(wrong)"])
        let logPath = dir + "/node.log"
        let node = try ChildProcess(relayBinary, arguments, environment: Self.environment, errorOutput: .file(logPath))
        let status = await node.waitForExit(timeout: .seconds(60))
        let expected = "koinos.chain_id is \(wrong) but the Koinos node at koinos.rpc serves \(served): refusing to start"
        #expect(status == 1, "\(Self.log(logPath).suffix(1_500))")
        let lines = Self.log(logPath).split(separator: "\n").filter { $0.contains("koinos.chain_id is") }
        #expect(lines.count == 1 && lines.first?.contains(expected) == true, "\(lines)")
        if status == nil { await node.stop() } else { try? FileManager.default.removeItem(atPath: dir) }
        await sim.stop()
    }
}
