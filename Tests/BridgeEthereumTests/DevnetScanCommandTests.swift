// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeEthereum
import BridgeStore
import Foundation
import ProcessTestSupport
import JSONRPC
import Testing

/// `bridge-relay eth scan` and the two-endpoint agreement mode against the devnet.
extension DevnetWatcherTests {
    static func runRelay(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let binary = relayBinary
        try #require(FileManager.default.isExecutableFile(atPath: binary), "build the relay first: swift build --product bridge-relay (\(binary))")
        let errPath = NSTemporaryDirectory() + "eth-scan-\(UUID().uuidString).err"
        defer { try? FileManager.default.removeItem(atPath: errPath) }
        let child = try ChildProcess(binary, arguments, stderrPath: errPath)
        let deadline = Date().addingTimeInterval(60)
        while child.process.isRunning, Date() < deadline { usleep(20_000) }
        child.stop()
        return (child.process.terminationStatus, child.remainingOutput(), (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
    }

    @Test func scanPrintsOneJudgedObjectPerLockAndFailsClearly() async throws {
        let devnet = try SharedDevnet.get()
        let start = try await devnet.finalized() + 1
        let good = try await devnet.lock(["count": .int(2)])
        let bad = try await devnet.lock(["recipient": .string("bad recipient")])
        try await devnet.mine(6)
        let result = try Self.runRelay(["eth", "scan", "--rpc", devnet.rpcURL, "--contract", devnet.bridge, "--profile", "v2",
                                        "--from", String(start), "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let objects = result.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(objects.count == 3)
        #expect(Set(objects.compactMap { $0["id"] as? String }) == expectedIDs([good, bad], chainID: devnet.chainID))
        for key in ["tx_hash", "log_index", "block_number", "block_hash", "token", "sender", "amount", "recipient", "status"] {
            #expect(objects.allSatisfy { $0[key] != nil }, "every object has \(key)")
        }
        let rejected = objects.filter { $0["status"] as? String == "rejected" }
        #expect(rejected.count == 1 && (rejected.first?["reason"] as? String)?.hasPrefix("invalid_recipient") == true)
        #expect(objects.filter { $0["status"] as? String == "valid" }.count == 2)

        let unreachable = try Self.runRelay(["eth", "scan", "--rpc", "http://127.0.0.1:1", "--contract", devnet.bridge, "--from", "0", "--timeout", "2"])
        #expect(unreachable.status != 0)
        #expect(unreachable.stderr.split(separator: "\n").count == 1 && unreachable.stderr.contains("cannot reach"), "\(unreachable.stderr)")
        let noCode = try Self.runRelay(["eth", "scan", "--rpc", devnet.rpcURL, "--contract", "0x" + String(repeating: "42", count: 20), "--from", "0"])
        #expect(noCode.status != 0)
        #expect(noCode.stderr.split(separator: "\n").count == 1 && noCode.stderr.contains("no contract code"), "\(noCode.stderr)")
    }

    @Test func agreementModeEmitsOnlyWhatTwoEndpointsAgreeOn() async throws {
        let devnet = try SharedDevnet.get()
        let proxy = try ChildProcess("/usr/bin/env", ["python3", repositoryRoot + "/Tests/Interop/eth/fault_server.py",
                                                      "--upstream", devnet.rpcURL, "--max-lifetime", "120"])
        defer { proxy.stop() }
        guard let line = proxy.firstLine(timeout: 20), let port = line.split(separator: ":").last?.filter(\.isNumber) else {
            throw DevnetError("fault proxy did not start")
        }
        let start = try await devnet.finalized() + 1
        let locks = [try await devnet.lock([:]), try await devnet.lock(["kind": .string("native")])]
        try await devnet.mine(6)
        let target = try await devnet.finalized()
        let database = try BridgeDatabase()
        _ = try await runWatcher(endpoints: [devnet.rpcURL, "http://127.0.0.1:\(port)"], devnet: devnet, contract: devnet.bridge,
                                 from: start, until: target, database: database) { $0.requireAgreement = true }
        #expect(Set(try database.observationStatuses(chainID: devnet.chainID).map(\.id.description)) == expectedIDs(locks, chainID: devnet.chainID))

        // With the second endpoint broken nothing can be confirmed: the watcher must not advance.
        let control = JSONRPCClient(transport: CurlTransportFactory.make("http://127.0.0.1:\(port)"))
        _ = try await control.call("fault_setMode", .array([.string("garbage")]))
        _ = try await devnet.lock([:])
        try await devnet.mine(6)
        let logs = CapturedLogs()
        await #expect(throws: DevnetError.self) {
            _ = try await runWatcher(endpoints: [devnet.rpcURL, "http://127.0.0.1:\(port)"], devnet: devnet, contract: devnet.bridge,
                                     from: target + 1, until: target + 1, database: database, logs: logs, timeout: 3) { $0.requireAgreement = true }
        }
        #expect(logs.contains("agreement mode needs two healthy endpoints"), "\(logs.all.suffix(3))")
    }
}
