// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeStore
import Foundation
import ProcessTestSupport
import JSONRPC
import Testing

/// `bridge-relay eth watch` killed with SIGKILL at random moments while catching up 5,000 blocks
/// holding 500 locks, restarted each time: every lock is stored exactly once. Part of the
/// serialized devnet suite (a reorg in a concurrent test would remove its locks).
extension DevnetWatcherTests {
    @Test func sigkillDuringCatchUpNeitherLosesNorRepeatsALock() async throws {
        let devnet = try await SharedDevnet.get()
        let binary = relayBinary
        try #require(FileManager.default.isExecutableFile(atPath: binary), "build the relay first: swift build --product bridge-relay (\(binary))")
        let start = try await devnet.finalized() + 1
        var locks: [Devnet.Lock] = []
        for i in 0..<10 {
            locks.append(try await devnet.lock(["kind": .string(i % 2 == 0 ? "erc20" : "native"), "count": .int(50)], v1: true))
            try await devnet.mine(499)
        }
        try await devnet.mine(6)
        let target = try await devnet.finalized()
        #expect(target - start >= 5_000)
        #expect(locks.reduce(0) { $0 + $1.logIndexes.count } == 500)

        let dir = NSTemporaryDirectory() + "eth-crash-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let args = ["eth", "watch", "--rpc", devnet.rpcURL, "--contract", devnet.v1Events, "--profile", "v1", "--db", dir + "/relay.sqlite",
                    "--from", String(start), "--max-window", "25", "--poll-ms", "50", "--print", "--exit-at", String(target)]
        var rng = SystemRandomNumberGenerator()
        var printed: [String] = []
        var runLogs: [String] = []
        var cursorsAfterKills: [UInt64] = []
        var killedWhileRunningRuns: Set<Int> = []
        for run in 0...5 {
            let logPath = dir + "/run-\(run).log"
            let watcher = try ChildProcess(binary, args, errorOutput: .file(logPath))
            if run < 5 {
                // Kill only once this run has committed progress, so every kill lands mid catch-up
                // whatever the machine's speed; then a random extra delay.
                let cursorKey = "eth:\(devnet.chainID):\(devnet.v1Events.lowercased())"
                let before = cursorsAfterKills.last ?? start
                _ = await eventually(.seconds(60)) {
                    guard watcher.isRunning else { return true }
                    guard let db = try? BridgeDatabase(path: dir + "/relay.sqlite"), let c = try? await db.cursorBlock(cursorKey) else { return false }
                    return c > before
                }
                // The random extra delay is the test: kills land anywhere in the catch-up.
                try await Task.sleep(for: .milliseconds(Int.random(in: 0...400, using: &rng)))
                let killedWhileRunning = watcher.isRunning
                watcher.send(SIGKILL)
                if killedWhileRunning { killedWhileRunningRuns.insert(run) }
            }
            if await watcher.waitForExit(timeout: .seconds(120)) == nil { await watcher.stop() }
            printed += watcher.lines
            runLogs.append((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "")
            if run < 5, let db = try? BridgeDatabase(path: dir + "/relay.sqlite") {
                cursorsAfterKills.append(try await db.cursorBlock("eth:\(devnet.chainID):\(devnet.v1Events.lowercased())") ?? start)
            }
        }
        #expect(cursorsAfterKills.contains { $0 > start && $0 <= target }, "some kills landed mid catch-up: \(cursorsAfterKills)")
        let database = try BridgeDatabase(path: dir + "/relay.sqlite")
        let stored = try await database.observationStatuses(chainID: devnet.chainID)
        #expect(stored.count == 500)
        #expect(Set(stored.map(\.id.description)) == expectedIDs(locks, chainID: devnet.chainID))
        #expect(!runLogs.joined().contains("already stored"), "a rescan re-inserted an observation")
        let printedIDs = printed.compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["id"] as? String
        }
        #expect(printedIDs.count == Set(printedIDs).count, "an observation was emitted twice")
        // A run killed while running had committed progress, so its watcher must have started. A run
        // may also finish the catch-up before its kill lands on a loaded machine; the next ones then
        // find the cursor at the target and may stop before the watcher logs its start.
        let notStarted = runLogs.indices.filter { killedWhileRunningRuns.contains($0) && !runLogs[$0].contains("Ethereum watcher starting") }
        #expect(notStarted.isEmpty, "runs \(notStarted) did not start; their logs end: \(notStarted.map { runLogs[$0].suffix(600) })")
        #expect(runLogs.count == 6, "six runs")
        #expect(runLogs.contains { $0.contains("Ethereum watcher starting") })
    }
}
