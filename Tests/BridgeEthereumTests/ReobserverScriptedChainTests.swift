// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeEthereum
import BridgeTesting
import Ethereum
import Testing

/// The re-observer (`ReobserverMachine` and its interpreter `EthereumReobserver`) over a scripted
/// endpoint and an in-memory store, on a virtual clock: no devnet, no real time.
@Suite struct ReobserverScriptedChainTests {
    typealias F = ScriptedWatcherFixture

    struct Setup {
        let fixture = ScriptedWatcherFixture()
        let reobserver: EthereumReobserver

        init(limits: ReobservationQueue.Limits = .init()) {
            let f = fixture
            let pool = EndpointPool(clients: f.endpoints, expectedChainID: F.chainID, clock: f.wall, logger: f.logs.logger())
            reobserver = EthereumReobserver(
                configuration: f.configuration, pool: pool, store: f.store, limits: limits, wallClock: f.wall, logger: f.logs.logger())
        }

        /// Everything the re-observer yielded, once it is stopped.
        func yielded() async -> [ObservationRecord] {
            let task = Task { try await reobserver.run() }
            task.cancel()
            _ = await task.result
            var out: [ObservationRecord] = []
            for await record in reobserver.observations { out.append(record) }
            return out
        }
    }

    @Test func aFinalLockIsStoredAndYieldedOnce() async throws {
        let s = Setup()
        s.fixture.mine(at: 3, [F.lock(1), F.lock(2)])
        s.fixture.mine(to: 6)  // final 4
        await #expect(s.reobserver.offer(F.id(1)) == nil)
        #expect(await s.reobserver.processNext()?.result == .observed)
        #expect(s.fixture.store.stored.map(\.record.observation.id) == [F.id(1)])
        #expect(s.fixture.store.stored.first?.record.observation.blockHash == s.fixture.ledger.block(3)?.header.hash)
        await #expect(s.reobserver.offer(F.id(1)) == .alreadyStored)

        // Stored meanwhile (by the scan) between the request and the check: not stored again.
        await #expect(s.reobserver.offer(F.id(2, logIndex: 1)) == nil)
        let scanned = try #require(s.fixture.store.stored.first).record
        var other = scanned
        other.observation.id = F.id(2, logIndex: 1)
        #expect(try await s.fixture.store.storeReobservedObservation(other, nowMs: 0))
        #expect(await s.reobserver.processNext()?.result == .alreadyStored)
        #expect(await s.yielded().map(\.observation.id) == [F.id(1)], "one record handed on")
    }

    @Test func aReceiptFromANonFinalBlockIsDeferredThenRefused() async throws {
        var limits = ReobservationQueue.Limits()
        limits.maxAttempts = 2
        limits.retryDelayMs = 30_000
        limits.cooldownMs = 60_000
        let s = Setup(limits: limits)
        s.fixture.mine(at: 5, [F.lock(1)])  // head 5, final 3
        await #expect(s.reobserver.offer(F.id(1)) == nil)
        #expect(await s.reobserver.processNext()?.result == .deferred)
        #expect(await s.reobserver.processNext() == nil, "not due before the retry delay")
        s.fixture.wall.advance(milliseconds: 30_000)
        #expect(await s.reobserver.processNext()?.result == .notFinal)
        #expect(s.reobserver.queuedCount == 0)
        #expect(s.fixture.store.stored.isEmpty)
        #expect(s.fixture.logs.contains("Re-observation given up"))

        // Once the block is final and the cool-down is over, the same request succeeds.
        s.fixture.mine(to: 8)
        await #expect(s.reobserver.offer(F.id(1)) == .coolingDown)
        s.fixture.wall.advance(milliseconds: 30_001)
        await #expect(s.reobserver.offer(F.id(1)) == nil)
        #expect(await s.reobserver.processNext()?.result == .observed)
    }

    @Test func whatIsNotOurLockAtThatIndexIsRefused() async throws {
        let s = Setup()
        var foreign = F.lock(1)
        foreign.logs[0].address = [UInt8](repeating: 0xcc, count: 20)  // the same event from another contract
        var reverted = F.lock(2)
        reverted.succeeded = false
        s.fixture.mine(at: 3, [foreign, reverted, F.lock(3), F.lock(4)])
        s.fixture.mine(to: 6)
        s.fixture.endpoints[0].rewriteReceipt { receipt in
            guard var receipt, receipt.transactionHash == F.hash(4) else { return receipt }
            receipt.blockHash = [UInt8](repeating: 0xee, count: 32)  // a receipt of a block that is not canonical
            for i in receipt.logs.indices { receipt.logs[i].blockHash = receipt.blockHash }
            return receipt
        }
        let cases: [(ObservationID, ReobservationResult)] = [
            (F.id(1), .unexpectedLog), (F.id(2), .transactionFailed), (F.id(3, logIndex: 7), .logNotFound),
            (F.id(9), .unknownTransaction), (F.id(4, logIndex: 2), .blockHashMismatch),
        ]
        for (id, expected) in cases {
            await #expect(s.reobserver.offer(id) == nil)
            #expect(await s.reobserver.processNext()?.result == expected, "\(id)")
        }
        #expect(s.fixture.store.stored.isEmpty)
        #expect(s.reobserver.queuedCount == 0)
    }

    @Test func admissionIsBoundedByChainStoreQueueCoolDownAndRate() async throws {
        var limits = ReobservationQueue.Limits()
        limits.maxLength = 2
        limits.cooldownMs = 60_000
        limits.burst = 1
        limits.checksPerSecond = 1
        let s = Setup(limits: limits)
        s.fixture.mine(at: 3, [F.lock(1)])
        s.fixture.mine(to: 6)
        await #expect(s.reobserver.offer(ObservationID(chainID: 1, transactionHash: F.hash(1), logIndex: 0)) == .wrongChain)
        await #expect(s.reobserver.offer(F.id(7)) == nil)
        await #expect(s.reobserver.offer(F.id(8)) == nil)
        await #expect(s.reobserver.offer(F.id(9)) == .queueFull)
        await #expect(s.reobserver.offer(F.id(7)) == .duplicate)
        #expect(await s.reobserver.processNext()?.result == .unknownTransaction)
        #expect(await s.reobserver.processNext() == nil, "one check per second")
        s.fixture.wall.advance(milliseconds: 1_000)
        #expect(await s.reobserver.processNext()?.result == .unknownTransaction)
        await #expect(s.reobserver.offer(F.id(7)) == .coolingDown)
        s.fixture.wall.advance(milliseconds: 60_000)
        await #expect(s.reobserver.offer(F.id(7)) == nil, "the cool-down is over")
        await #expect(s.reobserver.offer(F.id(1)) == nil)
        var results: Set<ReobservationResult> = []
        for _ in 0..<2 {
            s.fixture.wall.advance(milliseconds: 1_000)
            if let outcome = await s.reobserver.processNext() { results.insert(outcome.result) }
        }
        #expect(results == [.unknownTransaction, .observed])
        // A stored observation is never queued again.
        await #expect(s.reobserver.offer(F.id(1)) == .alreadyStored)
    }
}
