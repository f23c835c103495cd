// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeEthereum
import BridgeStore
import ChainCrypto
import Ethereum
import JSONRPC
import ProcessTestSupport
import Testing

/// One lying Ethereum endpoint (issue 19, H3): a fault proxy in "lie" mode in front of the devnet
/// forges a receipt for a transaction that never happened, or claims the latest block is final.
/// In `failover` with the liar in use the forgery is stored (what `failover` trusts, shown so the
/// forgery is known to work); in `two_agree` nothing forged is stored, through the scan or
/// through a peer's re-observation request.
extension DevnetWatcherTests {
    /// A proxy in front of the devnet, lying as `options` say ("lie" mode of fault_server.py).
    static func liar(_ devnet: Devnet, _ options: [String: JSONValue]) async throws -> (FaultServer, Devnet.Endpoint) {
        let proxy = try await FaultServer.start(upstream: devnet.rpcURL, lifetime: 120)
        let endpoint = try Devnet.Endpoint(devnet, url: proxy.url)
        _ = try await endpoint.control.call("fault_setMode", .array([.string("lie"), .object(options)]))
        return (proxy, endpoint)
    }

    @Test func aForgedReceiptRequestedForReobservationIsNeverStoredInTwoAgree() async throws {
        let devnet = try await SharedDevnet.get()
        let real = try await devnet.lock(["metadata": .string("the receipt a liar relabels")])
        try await devnet.mine(6)
        let forgedHash = Self.randomHash()
        let (proxy, liar) = try await Self.liar(devnet, ["receipt_as": .string(ChainHex.encode(forgedHash)), "receipt_from": .string(real.txHash)])
        let forged = ObservationID(chainID: devnet.chainID, transactionHash: forgedHash, logIndex: UInt32(real.logIndexes[0]))

        // failover, the liar first: the made-up transfer is stored (and would be signed).
        let trusting = try BridgeDatabase()
        let (fooled, _) = Self.reobserver(devnet, database: trusting, rpcURLs: [liar.url, devnet.rpcURL], trust: .failover)
        await #expect(fooled.offer(forged) == nil)
        #expect(await fooled.processNext()?.result == .observed, "the liar's receipt is what failover trusts")
        #expect(try await trusting.attestationStatus(of: forged) == .observed)

        // two_agree, the liar first or second: refused after the retries, nothing stored.
        for urls in [[liar.url, devnet.rpcURL], [devnet.rpcURL, liar.url]] {
            let database = try BridgeDatabase()
            let logs = CapturedLogs()
            let metrics = CountingMetrics()
            let (reobserver, _) = Self.reobserver(devnet, database: database, logs: logs, rpcURLs: urls, trust: .twoAgree, metrics: metrics) {
                $0.maxAttempts = 2
                $0.retryDelayMs = 0
            }
            await #expect(reobserver.offer(forged) == nil)
            #expect(await reobserver.processNext()?.result == .deferred)
            #expect(await reobserver.processNext()?.result == .endpointsDisagree, "\(logs.all.suffix(3))")
            #expect(try await database.attestationStatus(of: forged) == nil, "nothing forged stored")
            #expect(try await SQLiteAttestationRepository(database).observationsAwaitingSignature(limit: 100).isEmpty, "nothing to sign")
            #expect(metrics.count("bridge_reobservation_total", [("result", "endpoints_disagree")]) == 1)
            #expect(logs.contains("Ethereum endpoints disagree"))
            // The real lock behind the forgery is still re-observed: both endpoints agree on it.
            let genuine = try Self.observationID(devnet, real.txHash, real.logIndexes[0])
            await #expect(reobserver.offer(genuine) == nil)
            #expect(await reobserver.processNext()?.result == .observed)
        }
        await proxy.stop()
    }

    @Test func aForgedFinalizedHeadNeitherFinalizesALockForTheReobserverNorMovesTheScanInTwoAgree() async throws {
        let devnet = try await SharedDevnet.get()
        let start = try await devnet.finalized() + 1
        try await devnet.mine(6)
        let unfinal = try await devnet.lock(["metadata": .string("not final yet")])
        let honestFinal = try await devnet.finalized()
        let id = try Self.observationID(devnet, unfinal.txHash, unfinal.logIndexes[0])
        #expect(unfinal.blockNumber > honestFinal)
        let (proxy, liar) = try await Self.liar(devnet, ["finalized": .string("latest")])

        // failover, the liar first: the unfinal lock is stored.
        let trusting = try BridgeDatabase()
        let (fooled, _) = Self.reobserver(devnet, database: trusting, rpcURLs: [liar.url, devnet.rpcURL], trust: .failover)
        await #expect(fooled.offer(id) == nil)
        #expect(await fooled.processNext()?.result == .observed, "failover takes the liar's finalized head")

        // two_agree: the lower finalized head counts; the lock waits.
        let database = try BridgeDatabase()
        let (reobserver, _) = Self.reobserver(devnet, database: database, rpcURLs: [liar.url, devnet.rpcURL], trust: .twoAgree) {
            $0.maxAttempts = 1
            $0.retryDelayMs = 0
        }
        await #expect(reobserver.offer(id) == nil)
        #expect(await reobserver.processNext()?.result == .notFinal)
        #expect(try await database.attestationStatus(of: id) == nil)

        // The scan in two_agree stops at the honest finalized block, not at the liar's.
        let scanned = try BridgeDatabase()
        let configuration = try await runWatcher(endpoints: [liar.url, devnet.rpcURL], devnet: devnet, contract: devnet.bridge, from: start,
                                                 until: honestFinal, database: scanned, trust: .twoAgree)
        #expect(try await scanned.cursorBlock(configuration.cursorName) == honestFinal + 1, "the cursor stopped at the honest final block")
        #expect(try await scanned.attestationStatus(of: id) == nil, "the unfinal lock was not scanned")
        await proxy.stop()
    }

    @Test func aForgedBlockHeaderWithdrawsAnObservationOnlyInFailover() async throws {
        let devnet = try await SharedDevnet.get()
        let start = try await devnet.finalized() + 1
        let lock = try await devnet.lock(["recipient": .string("1NyaTjhcDQEZMGWSSmhEXZoP3G9NSQ7SZN"), "metadata": .string("header")])
        try await devnet.mine(3)
        let id = "\(devnet.chainID):\(lock.txHash):\(lock.logIndexes[0])"
        let configure: (inout EthereumWatcherConfiguration) -> Void = {
            $0.finality = .confirmations(2)
            $0.deepReorgCheckDepth = 4
        }
        var databases: [BridgeDatabase] = []
        for _ in 0..<2 {
            let database = try BridgeDatabase()
            _ = try await runWatcher(endpoints: [devnet.rpcURL], devnet: devnet, contract: devnet.bridge, from: start,
                                     until: lock.blockNumber, database: database, configure: configure)
            databases.append(database)
        }
        try await devnet.mine(12)
        let (proxy, liar) = try await Self.liar(devnet, ["header_hash_at": .int(Int64(lock.blockNumber))])
        func status(_ database: BridgeDatabase) async throws -> (status: AttestationStatus, reason: String?)? {
            try await database.observationStatuses(chainID: devnet.chainID).first { $0.id.description == id }.map { ($0.status, $0.reason) }
        }

        let logs = CapturedLogs()
        _ = try await runWatcher(endpoints: [liar.url, devnet.rpcURL], devnet: devnet, contract: devnet.bridge, from: start,
                                 until: lock.blockNumber + 12, database: databases[0], logs: logs, trust: .twoAgree, configure: configure)
        #expect(try await status(databases[0])?.status == .observed, "two_agree withdraws nothing on one endpoint's word")
        #expect(logs.contains("Ethereum endpoints disagree"), "\(logs.all.suffix(3))")

        _ = try await runWatcher(endpoints: [liar.url, devnet.rpcURL], devnet: devnet, contract: devnet.bridge, from: start,
                                 until: lock.blockNumber + 12, database: databases[1], trust: .failover, configure: configure)
        #expect(try await status(databases[1])?.reason?.hasPrefix("reorged_after_finality") == true, "failover believes the liar's header")
        await proxy.stop()
    }
}
