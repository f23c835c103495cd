// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeEthereum
import BridgeStore
import Ethereum
import Foundation
import JSONRPC
import ProcessTestSupport
import Testing

/// The catch-up read-ahead over fault proxies in front of the devnet: a window read ahead while
/// the endpoint fails over to a lagging node, or while the final block goes back, is discarded
/// and no lock is skipped. Windows of 5 blocks; `a` is lock A's block: w1 = a-3...a+1 (lock A),
/// w2 = a+2...a+6, w3 = a+7...a+11 (lock B at a+10).
extension DevnetWatcherTests {
    /// Lock A, nine blocks, lock B (one block after them), then enough blocks to make B final.
    static func twoLocksTenBlocksApart(_ devnet: Devnet) async throws -> (a: Devnet.Lock, b: Devnet.Lock, final: UInt64) {
        let a = try await devnet.lock(["metadata": .string("read-ahead A")])
        try await devnet.mine(9)
        let b = try await devnet.lock(["metadata": .string("read-ahead B")])
        #expect(b.blockNumber == a.blockNumber + 10, "the windows below assume one block per lock")
        try await devnet.mine(10)
        return (a, b, try await devnet.finalized())
    }

    static func readAheadConfiguration(_ c: inout EthereumWatcherConfiguration) {
        c.maxWindow = 5
        c.deepReorgCheckDepth = 0
        c.readAhead = true
    }

    /// Waits (at most 90 s) for a log line containing `line`, lets the watcher poll a second more,
    /// and returns the cursor and the stored ids at that moment.
    static func stateAfter(_ line: String, _ logs: CapturedLogs, _ database: BridgeDatabase, cursor: String, chainID: UInt64) async throws
        -> (cursor: UInt64?, ids: Set<String>) {
        let deadline = Date().addingTimeInterval(90)
        while !logs.contains(line) {
            guard Date() < deadline else { throw DevnetError("no \"\(line)\" in 90 s; last logs: \(logs.all.suffix(5))") }
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Task.sleep(for: .seconds(1))
        return (try await database.cursorBlock(cursor), Set(try await database.observationStatuses(chainID: chainID).map(\.id.description)))
    }

    static let discardedLine = "Ethereum window read ahead discarded"

    /// What a watcher (windows of 5 blocks from a-3) did when endpoint 0 failed (HTTP 500) from its
    /// third eth_getLogs on — w3's read — and endpoint 1 was a node whose head is a+8, without lock
    /// B: the state once `line` was logged, then everything stored after that node caught up.
    struct LaggingFailover {
        var idA: String, idB: String
        var aBlock: UInt64
        var logs: CapturedLogs
        var whileBehind: (cursor: UInt64?, ids: Set<String>)?
        var stored: Set<String>
    }

    static func failOverToALaggingNode(readAhead: Bool, waitingFor line: String) async throws -> LaggingFailover {
        let devnet = try await SharedDevnet.get()
        let (a, b, final) = try await Self.twoLocksTenBlocksApart(devnet)
        let failing = try await FaultServer.start(upstream: devnet.rpcURL, lifetime: 180)
        let lagging = try await FaultServer.start(upstream: devnet.rpcURL, lifetime: 180)
        let primary = try Devnet.Endpoint(devnet, url: failing.url), behind = try Devnet.Endpoint(devnet, url: lagging.url)
        _ = try await primary.control.call("fault_setMode", .array([.string("http500"), .object([
            "from_call": .object(["method": .string("eth_getLogs"), "count": .int(3)])])]))
        _ = try await behind.control.call("fault_setMode", .array([.string("lie"), .object(["behind": .int(Int64(a.blockNumber + 8))])]))
        let database = try BridgeDatabase()
        let logs = CapturedLogs()
        let cursorName = EthereumWatcherConfiguration(chainID: devnet.chainID, contract: HexData.decodeAddress(devnet.bridge), profile: .v2).cursorName
        nonisolated(unsafe) var seen: (cursor: UInt64?, ids: Set<String>)?
        _ = try await runWatcher(endpoints: [failing.url, lagging.url], devnet: devnet, contract: devnet.bridge, from: a.blockNumber - 3,
                                 until: final, database: database, logs: logs, timeout: 120, configure: { c in
                                     Self.readAheadConfiguration(&c)
                                     c.readAhead = readAhead
                                 }) {
            seen = try await Self.stateAfter(line, logs, database, cursor: cursorName, chainID: devnet.chainID)
            _ = try await behind.control.call("fault_setMode", .array([.string("pass")]))  // the node has caught up
        }
        let whileBehind = seen
        await failing.stop()
        await lagging.stop()
        return LaggingFailover(
            idA: "\(devnet.chainID):\(a.txHash):\(a.logIndexes[0])", idB: "\(devnet.chainID):\(b.txHash):\(b.logIndexes[0])",
            aBlock: a.blockNumber, logs: logs, whileBehind: whileBehind,
            stored: Set(try await database.observationStatuses(chainID: devnet.chainID).map(\.id.description)))
    }

    /// Endpoint 0 answers until the read-ahead of w3, then fails (HTTP 500); the pool fails over to
    /// endpoint 1, a node whose head is a+8, which has no lock B yet. Used as it was read, w3
    /// would commit the cursor past lock B for good (what the sequential watcher did when a
    /// window's scan failed over); discarded, the cycle restarts from endpoint 1's final block (a+4)
    /// and waits there until that node has caught up.
    @Test func aFailoverToALaggingNodeDuringTheReadAheadDiscardsItAndSkipsNoLock() async throws {
        let run = try await Self.failOverToALaggingNode(readAhead: true, waitingFor: Self.discardedLine)
        #expect(run.logs.contains("reason=the endpoint switched from 0 to 1"), "\(run.logs.all.filter { $0.contains("discarded") })")
        #expect(run.whileBehind?.cursor == run.aBlock + 7, "w1 and w2 committed; w3 waits for the lagging node's final block")
        #expect(run.whileBehind?.ids.contains(run.idA) == true)
        #expect(run.whileBehind?.ids.contains(run.idB) == false, "lock B is not in the lagging node yet")
        #expect(run.stored.isSuperset(of: [run.idA, run.idB]), "no lock skipped once the node caught up")
    }

    /// One endpoint whose final block goes back (a+8 - 4 = a+4) from the read-ahead of w2 on: w2's
    /// logs were read before, but the window is discarded, the cycle restarts, and the cursor stays
    /// at a+2 until the final block is past it again.
    @Test func aFinalBlockGoneBackDuringTheReadAheadDiscardsIt() async throws {
        let devnet = try await SharedDevnet.get()
        let (a, b, final) = try await Self.twoLocksTenBlocksApart(devnet)
        let proxy = try await FaultServer.start(upstream: devnet.rpcURL, lifetime: 180)
        let endpoint = try Devnet.Endpoint(devnet, url: proxy.url)
        // eth_getBlockByNumber calls: 1 the start-up tag check, 2 the cycle's final block, 3 the read-ahead of w2.
        _ = try await endpoint.control.call("fault_setMode", .array([.string("lie"), .object([
            "behind": .int(Int64(a.blockNumber - 2)), "from_call": .object(["method": .string("eth_getBlockByNumber"), "count": .int(3)])])]))
        let database = try BridgeDatabase()
        let logs = CapturedLogs()
        let cursorName = EthereumWatcherConfiguration(chainID: devnet.chainID, contract: HexData.decodeAddress(devnet.bridge), profile: .v2).cursorName
        let idA = "\(devnet.chainID):\(a.txHash):\(a.logIndexes[0])", idB = "\(devnet.chainID):\(b.txHash):\(b.logIndexes[0])"
        nonisolated(unsafe) var seen: (cursor: UInt64?, ids: Set<String>)?
        _ = try await runWatcher(endpoints: [proxy.url], devnet: devnet, contract: devnet.bridge, from: a.blockNumber - 3,
                                 until: final, database: database, logs: logs, timeout: 120, configure: Self.readAheadConfiguration) {
            let state = try await Self.stateAfter(Self.discardedLine, logs, database, cursor: cursorName, chainID: devnet.chainID)
            seen = state
            _ = try await endpoint.control.call("fault_setMode", .array([.string("pass")]))
        }
        let whileBack = seen
        #expect(logs.all.contains { $0.contains("reason=the final block went back from") && $0.contains(" to \(a.blockNumber - 6)") },
                "\(logs.all.filter { $0.contains("discarded") })")
        #expect(whileBack?.cursor == a.blockNumber + 2, "w1 committed, w2 read but not committed")
        #expect(whileBack?.ids.contains(idA) == true)
        let stored = Set(try await database.observationStatuses(chainID: devnet.chainID).map(\.id.description))
        #expect(stored.isSuperset(of: [idA, idB]))
        await proxy.stop()
    }
}
