// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeKoinos
import BridgeTesting
import Koinos
import Testing

/// The real `KoinosLockWatcher` through its ports (`KoinosChain` endpoints in a
/// `KoinosEndpointPool`, `KoinosLockStore`) against a scripted chain, an in-memory store and a
/// virtual clock: no process, no socket, no database.
struct KoinosLockWatcherPortTests {
    @Test func aLockAndACompletionAreStoredOnceWithTheCursorAndAFailedCommitStoresNoneOfThem() async throws {
        let net = ScriptedLockWatcherNetwork(irreversibleDepth: 2)
        let ethereumTransaction = [UInt8](repeating: 0xee, count: 32)
        net.store.addEthereumObservations(hash: ethereumTransaction, ids: ["eth-observation"])
        net.produce(3)
        let lock = net.lock(amount: "1000")
        net.completion(ofEthereumTransaction: ethereumTransaction)
        net.produce(4)  // head 7, LIB 5: the lock's block 4 is irreversible
        let watcher = net.watcher()

        net.store.failNextCommits(1)
        await #expect(throws: InMemoryKoinosLockStore.ScriptedFailure.self) { try await watcher.scanOnce() }
        #expect(net.store.locks.isEmpty)
        #expect(!net.store.isCompleted("eth-observation"))
        #expect(try await net.store.koinosCursor(net.configuration.cursorName) == nil)

        let block5 = try #require(try await net.block(5))
        let step = try await watcher.scanOnce()
        #expect(step == .committed(
            start: 1, cursor: KoinosScanCursor(nextHeight: 6, previousBlockID: block5.blockID), inserted: [lock],
            completions: [.completed(["eth-observation"])]))
        #expect(net.store.isCompleted("eth-observation"))
        #expect(try await net.store.koinosCursor(net.configuration.cursorName) == KoinosScanCursor(nextHeight: 6, previousBlockID: block5.blockID))
        #expect(try await watcher.scanOnce() == .waiting(nextHeight: 6, lib: 5))
        let stored = net.store.locks
        #expect(stored.map(\.id) == [lock])
        #expect(stored.first?.status == AttestationStatus.observed.rawValue)
        #expect(stored.first?.blockHeight == 4)
        #expect(stored.first?.amount == "1000")
        #expect(stored.first?.digest?.count == 32)
        #expect(net.store.commits == 1)
    }

    @Test func aLockInAReversibleBlockThatAForkReplacesIsNeverStored() async throws {
        let net = ScriptedLockWatcherNetwork(irreversibleDepth: 3)
        net.produce(5)  // LIB 2
        let watcher = net.watcher()
        _ = try await watcher.scanOnce()
        let forked = net.lock(amount: "500")
        net.produce(1)  // block 6 holds the lock; LIB 3
        #expect(try await watcher.scanOnce() == .committed(start: 3, cursor: try await net.cursor(after: 3), inserted: []))

        net.chain.fork(droppingNewest: 1)  // block 6 goes; the blocks after it are another branch
        net.produce(5)  // head 10, LIB 7
        try await net.drain(watcher)

        #expect(net.store.locks.isEmpty, "the lock of the replaced block 6 was stored")
        #expect(try await net.store.koinosLock(forked) == nil)
        #expect(try await net.store.koinosCursor(net.configuration.cursorName) == (try await net.cursor(after: 7)))
        #expect(try await net.block(6)?.transactionReceipts.isEmpty == true)
    }

    @Test func anEndpointThatFailsMidWindowIsSetAsideAndTheNextServesTheSameWindow() async throws {
        let net = ScriptedLockWatcherNetwork(irreversibleDepth: 0)
        let second = net.chain.replica()
        let first = net.lock(amount: "1")
        net.produce(2)
        let afterFailover = net.lock(amount: "2")
        net.produce(2)  // locks in blocks 1 and 3, head = LIB = 4
        let watcher = net.watcher(endpoints: [net.chain, second], maxBlocks: 2)

        #expect(try await watcher.scanOnce() == .committed(start: 1, cursor: try await net.cursor(after: 2), inserted: [first]))
        net.chain.failNextBlockReads(1)  // endpoint 0 answers its head, then fails the window
        #expect(try await watcher.scanOnce() == .committed(start: 3, cursor: try await net.cursor(after: 4), inserted: [afterFailover]))
        #expect(net.chain.blockReads == 2)
        #expect(second.blockReads == 1)
        let health = await watcher.endpoints.healthSnapshot
        #expect(health[0].consecutiveErrors == 1)
        #expect(try await watcher.scanOnce() == .waiting(nextHeight: 5, lib: 4))
        #expect(net.store.locks.map(\.id) == [first, afterFailover])
    }

    @Test func aRestartedWatcherResumesFromTheStoredCursorAndRepeatsNothing() async throws {
        let net = ScriptedLockWatcherNetwork(irreversibleDepth: 0)
        net.produce(1)
        let early = net.lock(amount: "10")
        net.produce(3)
        let late = net.lock(amount: "20")
        net.produce(1)  // locks in blocks 2 and 5
        let before = net.watcher(maxBlocks: 2)
        #expect(try await before.scanOnce() == .committed(start: 1, cursor: try await net.cursor(after: 2), inserted: [early]))

        // A new watcher (new endpoint pool, new clock) over the same store.
        let after = net.watcher(maxBlocks: 2, clock: VirtualClock(startMilliseconds: 1_800_000_000_000))
        #expect(try await after.cursor() == (try await net.cursor(after: 2)))
        #expect(try await after.scanOnce() == .committed(start: 3, cursor: try await net.cursor(after: 4), inserted: []))
        #expect(try await after.scanOnce() == .committed(start: 5, cursor: try await net.cursor(after: 5), inserted: [late]))
        #expect(try await after.scanOnce() == .waiting(nextHeight: 6, lib: 5))
        #expect(net.store.locks.map(\.id) == [early, late])
        #expect(net.store.commits == 3)
        #expect(net.chain.blockReads == 3, "a block was read twice or skipped")
    }

    @Test func aMalformedLockEventIsStoredRejectedWithItsReasonAndTheWindowStillCommits() async throws {
        let net = ScriptedLockWatcherNetwork(irreversibleDepth: 0)
        let malformed = net.event(data: [0x0a, 0xff])  // field 1 claims 255 bytes, none follow
        let foreign = net.event(data: [0x0a, 0xff], source: [UInt8](repeating: 0x99, count: 25))
        let unknownToken = net.lock(amount: "7", token: [UInt8](repeating: 0x77, count: 25))
        let valid = net.lock(amount: "8")
        net.produce(1)
        let watcher = net.watcher()

        guard case .committed(_, let cursor, let inserted, _) = try await watcher.scanOnce() else {
            Issue.record("the window was not committed")
            return
        }
        #expect(cursor == (try await net.cursor(after: 1)))
        #expect(Set(inserted) == [malformed, unknownToken, valid], "the foreign contract's event must be ignored")
        #expect(try await net.store.koinosLock(foreign) == nil)
        let refused = try #require(try await net.store.koinosLock(malformed))
        #expect(refused.status == AttestationStatus.rejected.rawValue)
        #expect(refused.reason?.hasPrefix(KoinosLockRejection.malformedEvent.rawValue) == true)
        #expect(refused.digest == nil)
        let unknown = try #require(try await net.store.koinosLock(unknownToken))
        #expect(unknown.status == AttestationStatus.rejected.rawValue)
        #expect(unknown.reason?.hasPrefix(KoinosLockRejection.unknownToken.rawValue) == true)
        #expect(try await net.store.koinosLock(valid)?.status == AttestationStatus.observed.rawValue)
    }
}
