// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeEthereum
import BridgeStore
import BridgeTesting
import Ethereum
import Testing

/// The watcher's decisions without a node, an endpoint or a database: window planning, finality,
/// the receipt re-check budget, re-org of committed blocks, the cursor, back-off after a failure.
/// Time is a `VirtualClock`; every test runs in milliseconds.
struct WatcherMachineTests {
    typealias Machine = EthereumWatcherMachine

    /// A machine and its clock, fed one event at a time.
    struct Drive {
        var machine: Machine
        let clock = VirtualClock()

        init(startBlock: UInt64 = 100, maxWindow: UInt64 = 10, depth: UInt64 = 0, recheck: Int = 3, stallMs: UInt64 = 60_000, readAhead: Bool = false) {
            var configuration = EthereumWatcherConfiguration(chainID: 1, contract: [UInt8](repeating: 7, count: 20), profile: .v2,
                                                             startBlock: startBlock)
            configuration.maxWindow = maxWindow
            configuration.deepReorgCheckDepth = depth
            configuration.maxRecheckAttempts = recheck
            configuration.finalityStallWarningMs = stallMs
            configuration.readAhead = readAhead
            machine = Machine(settings: Machine.Settings(configuration))
        }

        mutating func on(_ event: Machine.Event) -> Machine.Decision {
            machine.handle(event, now: clock.nowMilliseconds)
        }

        mutating func step(_ event: Machine.Event) -> Machine.Step { on(event).step }
    }

    static func observation(block: UInt64, index: UInt32 = 0, hash: UInt8 = 0xaa) -> LockObservation {
        LockObservation(
            id: ObservationID(chainID: 1, transactionHash: [UInt8](repeating: UInt8(truncatingIfNeeded: block), count: 31) + [UInt8(index)],
                              logIndex: index),
            profile: .v2, blockNumber: block, blockHash: [UInt8](repeating: hash, count: 32), sender: [UInt8](repeating: 1, count: 20),
            token: [UInt8](repeating: 2, count: 20), amount: 1, payment: 0, recipient: "r", relayer: "", metadata: "", blockTimeMs: 0,
            destinationChain: 0)
    }

    static func record(block: UInt64, index: UInt32 = 0) -> ObservationRecord {
        ObservationRecord(observation: observation(block: block, index: index), status: .observed, reason: nil)
    }

    static func log(block: UInt64) -> EthereumLog {
        EthereumLog(address: [UInt8](repeating: 7, count: 20), topics: [], data: [], blockNumber: block,
                    blockHash: [UInt8](repeating: 0xaa, count: 32), transactionHash: [UInt8](repeating: 3, count: 32),
                    transactionIndex: 0, logIndex: 0)
    }

    static func result(_ records: [ObservationRecord] = [], drops: [(log: EthereumLog, reason: DropReason)] = [], logs: Int = 0) -> RangeScanResult {
        RangeScanResult(records: records, drops: drops, logCount: logs)
    }

    @Test func catchesUpInWindowsCommittingTheCursorThenPolls() {
        var drive = Drive()
        #expect(drive.step(.started(storedCursor: nil)) == .readFinalBlock)
        #expect(drive.step(.finalBlock(nil)) == .sleep(.seconds(3)), "nothing final yet: poll again")
        #expect(drive.step(.woke) == .readFinalBlock)
        #expect(drive.step(.finalBlock(125)) == .scan(100...109))
        let lock = Self.record(block: 104)
        #expect(drive.step(.scanned(100...109, Self.result([lock], logs: 1))) == .commit(scanned: 100...109, nextBlock: 110, records: [lock]))
        #expect(drive.machine.cursor == 100, "the cursor moves only once the commit is done")
        let committed = drive.on(.committed(inserted: [lock.observation]))
        #expect(committed.reports.contains(.committed(blocks: 10, cursor: 110)))
        #expect(committed.step == .scan(110...119))
        #expect(drive.step(.scanned(110...119, Self.result())) == .commit(scanned: 110...119, nextBlock: 120, records: []))
        #expect(drive.step(.committed(inserted: [])) == .scan(120...125), "the window stops at the final block")
        #expect(drive.step(.scanned(120...125, Self.result())) == .commit(scanned: 120...125, nextBlock: 126, records: []))
        #expect(drive.step(.committed(inserted: [])) == .sleep(.seconds(3)))
        #expect(drive.machine.cursor == 126)
        #expect(drive.step(.woke) == .readFinalBlock)
        #expect(drive.step(.finalBlock(125)) == .sleep(.seconds(3)), "caught up")
    }

    @Test func aRefusedRangeShrinksTheWindowAndASingleBlockRefusalBacksOff() {
        var drive = Drive(maxWindow: 8)
        _ = drive.step(.started(storedCursor: nil))
        #expect(drive.step(.finalBlock(200)) == .scan(100...107))
        let hinted = drive.on(.scanRefused(100...107, message: "too many logs", suggestedToBlock: 102))
        #expect(hinted.reports == [.rangeRefused, .windowShrunk(100...107, window: 3, message: "too many logs")])
        #expect(hinted.step == .scan(100...102))
        #expect(drive.step(.scanRefused(100...102, message: "again", suggestedToBlock: nil)) == .scan(100...100))
        let single = drive.on(.scanRefused(100...100, message: "still", suggestedToBlock: nil))
        #expect(single.step == .sleep(.seconds(1)))
        #expect(single.reports.contains { if case .scanFailed(100, _) = $0 { true } else { false } })
        #expect(drive.step(.woke) == .readFinalBlock, "a failure ends the cycle")
        #expect(drive.machine.cursor == 100)
    }

    /// A missing receipt may be a lagging node: the range is committed up to that block and
    /// rescanned from it, a bounded number of times, then the log is dropped and the cursor moves.
    @Test func aFailedReceiptRecheckRescansABoundedNumberOfTimes() {
        var drive = Drive(maxWindow: 10, recheck: 2)
        _ = drive.step(.started(storedCursor: nil))
        #expect(drive.step(.finalBlock(150)) == .scan(100...109))
        let before = Self.record(block: 103), after = Self.record(block: 107)
        let missing = (log: Self.log(block: 105), reason: DropReason.receiptMissing)
        let first = drive.on(.scanned(100...109, Self.result([before, after], drops: [missing], logs: 3)))
        #expect(first.step == .commit(scanned: 100...109, nextBlock: 105, records: [before]), "only what lies below the doubtful block")
        #expect(first.reports.contains(.rescanning(block: 105, attempt: 1)))
        #expect(drive.step(.committed(inserted: [before.observation])) == .scan(105...114))
        // Now the doubtful block opens the range: nothing to commit, so pause and rescan it.
        let moved = (log: Self.log(block: 105), reason: DropReason.blockHashMismatch)
        #expect(drive.step(.scanned(105...114, Self.result([after], drops: [moved], logs: 2))) == .sleep(.seconds(1)))
        #expect(drive.step(.woke) == .scan(105...114), "the pause continues the cycle, the final block is not re-read")
        let last = drive.on(.scanned(105...114, Self.result([after], drops: [moved], logs: 2)))
        #expect(last.step == .commit(scanned: 105...114, nextBlock: 115, records: [after]), "out of attempts: dropped for good")
        #expect(last.reports.contains(.dropped(moved.log, .blockHashMismatch)))
        #expect(!last.reports.contains { if case .rescanning = $0 { true } else { false } })
    }

    @Test func aCommittedBlockReplacedBelowFinalityWithdrawsItsObservations() {
        var drive = Drive(maxWindow: 100, depth: 5)
        _ = drive.step(.started(storedCursor: nil))
        #expect(drive.step(.finalBlock(101)) == .scan(100...101))
        let lock = Self.record(block: 100), other = Self.record(block: 101)
        _ = drive.step(.scanned(100...101, Self.result([lock, other], logs: 2)))
        #expect(drive.step(.committed(inserted: [lock.observation, other.observation])) == .sleep(.seconds(3)))
        _ = drive.step(.woke)
        #expect(drive.step(.finalBlock(105)) == .readCanonicalHash(100), "re-read once the final block is depth past it")
        let replaced = drive.on(.canonicalHash(100, [UInt8](repeating: 0xbb, count: 32)))
        #expect(replaced.step == .withdraw([lock.observation.id], blockNumber: 100))
        #expect(replaced.reports == [.reorgedAfterFinality([lock.observation.id], blockNumber: 100)])
        #expect(drive.step(.withdrawn) == .scan(102...105), "block 101 is not due yet")
        _ = drive.step(.scanned(102...105, Self.result()))
        _ = drive.step(.committed(inserted: []))
        _ = drive.step(.woke)
        #expect(drive.step(.finalBlock(107)) == .readCanonicalHash(101))
        // The node cannot answer: the block stays pending and the scan goes on.
        #expect(drive.step(.canonicalHashUnavailable(101)) == .scan(106...107))
        _ = drive.step(.scanned(106...107, Self.result()))
        _ = drive.step(.committed(inserted: []))
        _ = drive.step(.woke)
        #expect(drive.step(.finalBlock(108)) == .readCanonicalHash(101), "asked again next cycle")
        #expect(drive.step(.canonicalHash(101, [UInt8](repeating: 0xaa, count: 32))) == .scan(108...108), "same hash: nothing withdrawn")
        #expect(drive.machine.sentinel.count == 0)
    }

    @Test func aRestartTracksTheObservationsOfTheLastBlocksAgain() {
        var drive = Drive(depth: 64)
        #expect(drive.step(.started(storedCursor: 200)) == .loadRecentObservations(fromBlock: 135, limit: 10_000))
        #expect(drive.machine.cursor == 200, "the stored cursor wins over the start block")
        let stored = Self.observation(block: 150)
        #expect(drive.step(.recentObservations([(id: stored.id, blockNumber: 150, blockHash: [0x01])])) == .readFinalBlock)
        #expect(drive.step(.finalBlock(214)) == .readCanonicalHash(150))
        var fresh = Drive(depth: 64)
        #expect(fresh.step(.started(storedCursor: 30)) == .loadRecentObservations(fromBlock: 0, limit: 10_000))
        var off = Drive(depth: 0)
        #expect(off.step(.started(storedCursor: 30)) == .readFinalBlock)
    }

    @Test func aFinalBlockThatStopsMovingIsReportedOncePerInterval() {
        var drive = Drive(stallMs: 60_000)
        _ = drive.step(.started(storedCursor: nil))
        func stalls(_ decision: Machine.Decision) -> [UInt64] {
            decision.reports.compactMap { if case .finalityStalled(_, let seconds) = $0 { seconds } else { nil } }
        }
        #expect(stalls(drive.on(.finalBlock(99))).isEmpty)
        drive.clock.advance(milliseconds: 59_999)
        #expect(stalls(drive.on(.finalBlock(99))).isEmpty)
        drive.clock.advance(milliseconds: 1)
        #expect(stalls(drive.on(.finalBlock(99))) == [60])
        drive.clock.advance(milliseconds: 30_000)
        #expect(stalls(drive.on(.finalBlock(99))).isEmpty, "not again within the interval")
        drive.clock.advance(milliseconds: 30_000)
        #expect(stalls(drive.on(.finalBlock(99))) == [120])
        #expect(stalls(drive.on(.finalBlock(100))).isEmpty, "it moved")
    }

    @Test func aFailedCommitKeepsTheCursorAndStartsTheCycleAgain() {
        var drive = Drive()
        _ = drive.step(.started(storedCursor: nil))
        _ = drive.step(.finalBlock(105))
        _ = drive.step(.scanned(100...105, Self.result([Self.record(block: 101)], logs: 1)))
        let failed = drive.on(.failed("database is locked"))
        #expect(failed.reports == [.scanFailed(cursor: 100, error: "database is locked")])
        #expect(failed.step == .sleep(.seconds(1)))
        #expect(drive.step(.woke) == .readFinalBlock)
        #expect(drive.machine.cursor == 100)
        #expect(drive.step(.finalBlock(105)) == .scan(100...105), "the same range again")
    }
}
