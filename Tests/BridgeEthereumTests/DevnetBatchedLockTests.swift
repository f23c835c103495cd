// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeEthereum
import BridgeStore
import Ethereum
import JSONRPC
import Testing

/// L2: several locks in one transaction (the devnet's `LockBatcher`): the watcher and the
/// re-observer sign only the first by log index and store the others as rejected with a reason.
/// Part of the serialized devnet suite (it mines blocks).
extension DevnetWatcherTests {
    @Test func onlyTheFirstLockOfATransactionIsSignedByTheWatcherAndTheReobserver() async throws {
        let devnet = try await SharedDevnet.get()
        let start = try await devnet.finalized() + 1
        let batch = try await devnet.lock(["kind": .string("erc20"), "count": .int(3)])
        #expect(batch.logIndexes.count == 3, "three locks in one transaction")
        let single = try await devnet.lock([:])
        try await devnet.mine(6)
        let target = try await devnet.finalized()
        let database = try BridgeDatabase()
        let logs = CapturedLogs()
        let tokens = [HexData.decodeAddress(devnet.token): DevnetWatcherTests.koinosToken]
        _ = try await runWatcher(endpoints: [devnet.rpcURL], devnet: devnet, contract: devnet.bridge, from: start, until: target,
                                 database: database, logs: logs) {
            $0.tokens = tokens
            $0.koinosContract = DevnetWatcherTests.koinosContract
        }
        let stored = Dictionary(uniqueKeysWithValues: try await database.observationStatuses(chainID: devnet.chainID).map { ($0.id.description, $0) })
        let ids = batch.logIndexes.sorted().map { "\(devnet.chainID):\(batch.txHash):\($0)" }
        #expect(stored[ids[0]]?.status == .observed)
        for id in ids.dropFirst() {
            #expect(stored[id]?.status == .rejected)
            #expect(stored[id]?.reason?.hasPrefix("duplicate_transaction_lock") == true, "\(stored[id]?.reason ?? "missing")")
        }
        #expect(stored["\(devnet.chainID):\(single.txHash):\(single.logIndexes[0])"]?.status == .observed)
        #expect(logs.all.filter { $0.contains("Lock rejected") && $0.contains("duplicate_transaction_lock") }.count == 2)

        // A peer asks a node that missed the scan to re-observe the third lock: the same verdict.
        let fresh = try BridgeDatabase()
        let (reobserver, _) = Self.reobserver(devnet, database: fresh)
        let third = try Self.observationID(devnet, batch.txHash, batch.logIndexes.sorted()[2])
        await #expect(reobserver.offer(third) == nil)
        #expect(await reobserver.processNext()?.result == .rejected)
        let reobserved = try await fresh.observationStatuses(chainID: devnet.chainID)
        #expect(reobserved.map(\.status) == [.rejected])
        #expect(reobserved.first?.reason?.hasPrefix("duplicate_transaction_lock") == true)
    }
}
