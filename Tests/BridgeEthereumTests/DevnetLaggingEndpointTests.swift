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
        let run = try await Self.failOverToALaggingNode(readAhead: false, waitingFor: "Ethereum scan failed; retrying")
        #expect(run.logs.contains("is below block \(run.aBlock + 11)"), "\(run.logs.all.filter { $0.contains("failed") }.suffix(3))")
        #expect(run.whileBehind?.cursor == run.aBlock + 7, "w1 and w2 committed; w3 not taken from the lagging node")
        #expect(run.whileBehind?.ids.contains(run.idA) == true)
        #expect(run.whileBehind?.ids.contains(run.idB) == false)
        #expect(run.stored.isSuperset(of: [run.idA, run.idB]), "no lock skipped once the node caught up")
    }
}
