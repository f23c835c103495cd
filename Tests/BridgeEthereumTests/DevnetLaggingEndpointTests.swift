// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeEthereum
import BridgeStore
import Ethereum
import Foundation
import JSONRPC
import ProcessTestSupport
import Testing

/// An ordinary scan (no read-ahead) that fails over to a lagging node: the window was planned
/// with the first endpoint's final block, and the lagging node would answer "no logs" for the
/// blocks it does not have yet. The scanner only takes logs from an endpoint whose head reaches
/// the window's last block, so the window waits instead of passing lock B for good.
extension DevnetWatcherTests {
    @Test func aFailoverToALaggingNodeDuringAnOrdinaryScanSkipsNoLock() async throws {
        let devnet = try await SharedDevnet.get()
        let (a, b, final) = try await Self.twoLocksTenBlocksApart(devnet)
        let failing = try await FaultServer.start(upstream: devnet.rpcURL, lifetime: 180)
        let lagging = try await FaultServer.start(upstream: devnet.rpcURL, lifetime: 180)
        let primary = try Devnet.Endpoint(devnet, url: failing.url), behind = try Devnet.Endpoint(devnet, url: lagging.url)
        // w1 = a-3...a+1 and w2 = a+2...a+6 from endpoint 0; its third eth_getLogs (w3 = a+7...a+11) fails.
        _ = try await primary.control.call("fault_setMode", .array([.string("http500"), .object([
            "from_call": .object(["method": .string("eth_getLogs"), "count": .int(3)])])]))
        _ = try await behind.control.call("fault_setMode", .array([.string("lie"), .object(["behind": .int(Int64(a.blockNumber + 8))])]))
        let database = try BridgeDatabase()
        let logs = CapturedLogs()
        let cursorName = EthereumWatcherConfiguration(chainID: devnet.chainID, contract: HexData.decodeAddress(devnet.bridge), profile: .v2).cursorName
        let idA = "\(devnet.chainID):\(a.txHash):\(a.logIndexes[0])", idB = "\(devnet.chainID):\(b.txHash):\(b.logIndexes[0])"
        nonisolated(unsafe) var seen: (cursor: UInt64?, ids: Set<String>)?
        _ = try await runWatcher(endpoints: [failing.url, lagging.url], devnet: devnet, contract: devnet.bridge, from: a.blockNumber - 3,
                                 until: final, database: database, logs: logs, timeout: 120, configure: { c in
                                     c.maxWindow = 5
                                     c.deepReorgCheckDepth = 0
                                     c.readAhead = false
                                 }) {
            let deadline = Date().addingTimeInterval(90)
            while !logs.contains("Ethereum scan failed; retrying") {
                guard Date() < deadline else { throw DevnetError("no failed scan in 90 s; last logs: \(logs.all.suffix(5))") }
                try await Task.sleep(for: .milliseconds(50))
            }
            seen = (try await database.cursorBlock(cursorName), Set(try await database.observationStatuses(chainID: devnet.chainID).map(\.id.description)))
            _ = try await behind.control.call("fault_setMode", .array([.string("pass")]))  // the node has caught up
        }
        #expect(logs.contains("is below block \(a.blockNumber + 11)"), "\(logs.all.filter { $0.contains("failed") }.suffix(3))")
        #expect(seen?.cursor == a.blockNumber + 7, "w1 and w2 committed; w3 not taken from the lagging node")
        #expect(seen?.ids.contains(idA) == true)
        #expect(seen?.ids.contains(idB) == false)
        let stored = Set(try await database.observationStatuses(chainID: devnet.chainID).map(\.id.description))
        #expect(stored.isSuperset(of: [idA, idB]), "no lock skipped once the node caught up")
        await failing.stop()
        await lagging.stop()
    }
}
