// SPDX-License-Identifier: Apache-2.0
import Foundation
import ProcessTestSupport
import Testing

/// Four `bridge-relay run` processes + the Ethereum devnet + the Koinos simulator on loopback
/// (started by `deploy/localnet/localnet.py`): locks → every node stores the same quorum
/// attestation; one process SIGKILLed and restarted → it converges; nothing is counted twice.
///
/// Needs the built `bridge-relay` (next to the test bundle, or `BRIDGE_RELAY_BIN`) and the devnet
/// virtualenvs (`scripts/setup-envs`). Skipped with `BRIDGE_SKIP_DEVNET=1`.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["BRIDGE_SKIP_DEVNET"] != "1"))
struct MultiProcessTests {
    @Test(.timeLimit(.minutes(3)))
    func fourRelaysStoreTheSameQuorumAttestationAndARestartedOneConverges() async throws {
        try await LocalnetProcess.with(validators: 4, Self.lockKillRestartAndConverge)
    }

    static func lockKillRestartAndConverge(_ net: LocalnetProcess) async throws {
        let apis = net.validators.map { $0["api"] as! String }
        let relayer = net.validators[0]["koinos_address"] as! String
        // The localnet is ready once every API answers; the p2p connections come a little later (a
        // relay dials again, after a backoff, the peers that were not up yet: seconds on a loaded
        // machine). A signature gossiped before a peer is connected reaches it only through the
        // pool's retry (minutes), so lock once every validator is connected to all the others.
        #expect(try await eventually(.seconds(60)) { try await Self.allConnected(apis) }, "the validators did not connect to each other")

        var locks: [String] = []
        for kind in ["erc20", "native"] { locks.append(try await net.lock(kind: kind, relayer: relayer)) }
        #expect(try await eventually(.seconds(90)) { try await Self.allAgree(apis, on: locks) })
        #expect(try await eventually(.seconds(30)) { await Self.everyValidatorHasAHeartbeat(apis, count: 4) })
        let badLogLines = Self.nonJSONLogLines(in: net.dir + "/logs/validator-1.log")
        #expect(badLogLines.isEmpty, "validator-1 wrote log lines that are not JSON objects with ts/level/msg: \(badLogLines.prefix(3))")

        // SIGKILL validator 4, lock once more while it is down, restart it: it must converge.
        let victim = net.validators[3]
        kill(pid_t(victim["pid"] as! Int), SIGKILL)
        locks.append(try await net.lock(kind: "erc20", relayer: relayer))
        #expect(try await eventually(.seconds(60)) { try await Self.allAgree(Array(apis.prefix(3)), on: locks) })
        let restarted = try net.restart(config: victim["config"] as! String, name: "validator-4-restarted")
        #expect(try await eventually(.seconds(60)) { try await Self.allAgree(apis, on: locks) })
        await restarted.stop()
    }

    /// Every validator reports a connection to each of the others (`/v1/status`).
    static func allConnected(_ apis: [String]) async throws -> Bool {
        for api in apis {
            let status = try? await getJSON("\(api)/v1/status")
            guard let connected = (status?["peers"] as? [String: Any])?["connected"] as? Int, connected >= apis.count - 1 else { return false }
        }
        return true
    }

    /// Every API holds exactly one attestation per lock, at quorum or beyond, with the same
    /// digests and no validator counted twice in a signature list.
    static func allAgree(_ apis: [String], on locks: [String]) async throws -> Bool {
        var digests: [[String: String]] = []
        for api in apis {
            guard let page = try? await getJSON("\(api)/v1/attestations?limit=100"), let items = page["items"] as? [[String: Any]] else {
                return false
            }
            let mine = items.filter { locks.contains((($0["observation"] as? [String: Any])?["tx_hash"] as? String)?.lowercased() ?? "") }
            var byTx: [String: String] = [:]
            for item in mine {
                let tx = ((item["observation"] as! [String: Any])["tx_hash"] as! String).lowercased()
                let quorum = item["quorum"] as! [String: Any]
                let signers = (item["signatures"] as! [[String: Any]]).map { $0["validator"] as! String }
                #expect(Set(signers).count == signers.count, "a validator counted twice on \(api)")
                guard ["quorum", "submitted", "completed"].contains(item["status"] as! String),
                    let required = quorum["required"] as? Int, (quorum["have"] as! Int) >= required
                else { return false }
                #expect(byTx[tx] == nil, "two attestations for one lock on \(api)")
                byTx[tx] = item["digest"] as? String
            }
            guard byTx.count == locks.count else { return false }
            digests.append(byTx)
        }
        return Set(digests.map { $0.sorted { $0.key < $1.key }.map(\.value).joined() }).count == 1
    }
}

/// `deploy/localnet/localnet.py --keep-going` as a child process; stopped with SIGINT.
final class LocalnetProcess: @unchecked Sendable {
    private let child: ChildProcess
    let summary: [String: Any]
    let dir: String
    var validators: [[String: Any]] { summary["validators"] as! [[String: Any]] }

    private init(child: ChildProcess, summary: [String: Any], dir: String) {
        self.child = child
        self.summary = summary
        self.dir = dir
    }

    static func start(validators: Int, extraArguments: [String] = []) async throws -> LocalnetProcess {
        try #require(FileManager.default.isExecutableFile(atPath: relayBinary), "bridge-relay not built at \(relayBinary)")
        let dir = NSTemporaryDirectory() + "bridge-multiprocess-\(UUID().uuidString.prefix(8))"
        let child = try ChildProcess("/usr/bin/env", [
            "python3", repositoryRoot + "/deploy/localnet/localnet.py", "--fresh", "--keep-going", "--dir", dir,
            "--validators", "\(validators)", "--bin", relayBinary, "--max-lifetime", "300", "--start-timeout", "90",
        ] + extraArguments, directory: repositoryRoot)
        // The first stdout line is the summary (the script itself gives up after --start-timeout).
        let line = await child.firstLine(timeout: .seconds(150))
        guard let summary = line.flatMap({ try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }) else {
            await child.stop(signal: SIGINT, grace: .seconds(40))
            Issue.record("the localnet did not start; logs in \(dir)/logs")
            throw CancellationError()
        }
        return LocalnetProcess(child: child, summary: summary, dir: dir)
    }

    /// Starts a localnet, runs `body` on it and stops it, whether `body` throws or not.
    static func with(validators: Int, extraArguments: [String] = [], _ body: (LocalnetProcess) async throws -> Void) async throws {
        let net = try await start(validators: validators, extraArguments: extraArguments)
        do { try await body(net) } catch {
            await net.stop()
            throw error
        }
        await net.stop()
    }

    func lock(kind: String, relayer: String) async throws -> String {
        let eth = summary["ethereum"] as! [String: Any]
        let body: [String: Any] = [
            "jsonrpc": "2.0", "id": 1, "method": "devnet_lock",
            "params": [["kind": kind, "amount": "1000000000000000000", "recipient": "1NyaTjhcDQEZMGWSSmhEXZoP3G9NSQ7SZN", "relayer": relayer]],
        ]
        let answer = try await TestHTTP.json(eth["rpc"] as! String, posting: body, timeout: .seconds(60))
        let result = try #require(answer["result"] as? [String: Any], "devnet_lock failed: \(answer)")
        return (result["tx_hash"] as! String).lowercased()
    }

    /// Starts `bridge-relay run --config config` again, logging to `logs/<name>.log`.
    func restart(config: String, name: String) throws -> ChildProcess {
        // BRIDGE_RELAY_* are configuration overrides (BRIDGE_RELAY_BIN would be an unknown key).
        let environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("BRIDGE_RELAY_") }
        return try ChildProcess(relayBinary, ["run", "--config", config], environment: environment, errorOutput: .file("\(dir)/logs/\(name).log"))
    }

    /// SIGINT (the script stops its validators and devnets), SIGKILL after 40 s.
    func stop() async {
        await child.stop(signal: SIGINT, grace: .seconds(40))
    }
}

func getJSON(_ url: String) async throws -> [String: Any] {
    try await TestHTTP.json(url, timeout: .seconds(5))
}

