// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeEthereum
import BridgeStore
import Ethereum
import Foundation
import JSONRPC
import Testing

/// The re-observer against the real devnet: a lock the scan never saw is stored once on request;
/// hostile ids are refused with their reason and store nothing. Part of the serialized devnet
/// suite (a concurrent test mining blocks would make a "not final" block final).
extension DevnetWatcherTests {
    static func reobserver(
        _ devnet: Devnet, database: BridgeDatabase, logs: CapturedLogs = CapturedLogs(), rpcURL: String? = nil, rpcURLs: [String]? = nil,
        trust: EndpointTrust = .failover, metrics: CountingMetrics = CountingMetrics(),
        configure: (inout ReobservationQueue.Limits) -> Void = { _ in }
    ) -> (EthereumReobserver, EthereumWatcherConfiguration) {
        var configuration = EthereumWatcherConfiguration(chainID: devnet.chainID, contract: HexData.decodeAddress(devnet.bridge), profile: .v2)
        configuration.tokens = [HexData.decodeAddress(devnet.token): koinosToken, HexData.decodeAddress(devnet.weth): koinosToken]
        configuration.koinosContract = koinosContract
        var limits = ReobservationQueue.Limits()
        limits.checksPerSecond = 1_000
        limits.burst = 1_000
        configure(&limits)
        let urls = rpcURLs ?? [rpcURL ?? devnet.rpcURL]
        let pool = EndpointPool(clients: urls.map { EthereumRPCClient(transport: CurlTransportFactory.make($0, timeout: 2)) },
                                expectedChainID: devnet.chainID, trust: trust, clock: SystemBridgeClock(), logger: logs.logger())
        return (EthereumReobserver(
            configuration: configuration, pool: pool, store: SQLiteObservationStore(database), limits: limits, logger: logs.logger(), metricsFactory: metrics), configuration)
    }

    static func observationID(_ devnet: Devnet, _ txHash: String, _ logIndex: UInt64) throws -> ObservationID {
        ObservationID(chainID: devnet.chainID, transactionHash: try HexData.decode(txHash, field: "tx", count: 32), logIndex: UInt32(logIndex))
    }

    @Test func aLockBeforeTheStartBlockIsReobservedOnceOnRequest() async throws {
        let devnet = try await SharedDevnet.get()
        let lock = try await devnet.lock(["metadata": .string("missed by the scan")])
        try await devnet.mine(6)
        let start = try await devnet.finalized() + 1
        try await devnet.mine(6)
        let database = try BridgeDatabase()
        let watched = try await runWatcher(endpoints: [devnet.rpcURL], devnet: devnet, contract: devnet.bridge, from: start,
                                           until: start, database: database)
        let cursor = try #require(try await database.cursorBlock(watched.cursorName))
        let id = try Self.observationID(devnet, lock.txHash, lock.logIndexes[0])
        #expect(try await database.attestationStatus(of: id) == nil, "the scan started after the lock")

        let (reobserver, _) = Self.reobserver(devnet, database: database)
        #expect(await reobserver.offer(id) == nil, "queued")
        let outcome = await reobserver.processNext()
        #expect(outcome?.id == id)
        #expect(outcome?.result == .observed)
        #expect(try await database.attestationStatus(of: id) == .observed)
        #expect(try await database.cursorBlock(watched.cursorName) == cursor, "the cursor did not move")
        var pushed = reobserver.observations.makeAsyncIterator()
        let record = await pushed.next()
        #expect(record?.observation.id == id)
        #expect(record?.observation.metadata == "missed by the scan")
        #expect(try await database.storeReobservedObservation(try #require(record), nowMs: 1) == false, "storing twice changes nothing")

        // The second request is a no-op: already stored, nothing queued, nothing written.
        #expect(await reobserver.offer(id) == .alreadyStored)
        #expect(reobserver.queuedCount == 0)
        #expect(await reobserver.processNext() == nil)
        #expect(try await database.observationStatuses(chainID: devnet.chainID).filter { $0.id == id }.count == 1)

        // The same row the scan stores: a watcher that does scan the lock's block signs the same digest.
        let scanned = try BridgeDatabase()
        _ = try await runWatcher(endpoints: [devnet.rpcURL], devnet: devnet, contract: devnet.bridge, from: lock.blockNumber,
                                 until: lock.blockNumber, database: scanned) {
            $0.tokens = [HexData.decodeAddress(devnet.token): Self.koinosToken]
            $0.koinosContract = Self.koinosContract
        }
        let fromScan = try await SQLiteAttestationRepository(scanned).observationsAwaitingSignature(limit: 10_000).filter { $0.id == id }.map { [$0.digest, $0.message] }
        let fromRequest = try await SQLiteAttestationRepository(database).observationsAwaitingSignature(limit: 10_000).filter { $0.id == id }.map { [$0.digest, $0.message] }
        #expect(fromScan.count == 1)
        #expect(fromRequest == fromScan)
    }
}
