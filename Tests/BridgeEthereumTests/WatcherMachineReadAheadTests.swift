// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeEthereum
import BridgeStore
import Ethereum
import Testing

/// The read-ahead decisions without a node: window k+1 is asked for with window k's commit, used
/// as its scan when nothing changed, and discarded when the endpoint switched, the final block
/// went back, a receipt re-check failed, or it does not continue the cursor.
struct WatcherMachineReadAheadTests {
    typealias Machine = EthereumWatcherMachine
    typealias Drive = WatcherMachineTests.Drive

    static func ahead(
        _ range: ClosedRange<UInt64>, _ result: RangeScanResult = WatcherMachineTests.result(), endpoints: (Int?, Int?) = (0, 0),
        final: UInt64? = 150
    ) -> Machine.ReadAhead {
        Machine.ReadAhead(range: range, read: .scanned(result), endpointBefore: endpoints.0, endpointAfter: endpoints.1, final: .success(final))
    }

    /// A drive in the middle of a catch-up: final block 150, window 100...109 scanned.
    static func scannedFirstWindow(_ lock: ObservationRecord) -> Drive {
        var drive = Drive(readAhead: true)
        _ = drive.step(.started(storedCursor: nil))
        #expect(drive.step(.finalBlock(150)) == .scan(100...109))
        #expect(drive.step(.scanned(100...109, WatcherMachineTests.result([lock], logs: 1)))
                == .commit(scanned: 100...109, nextBlock: 110, records: [lock], readAhead: 110...119), "window 2 is read with window 1's commit")
        return drive
    }

    @Test func theWindowReadAheadIsUsedAsTheNextScanAndTheLastOneReadsNothingAhead() {
        let lock = WatcherMachineTests.record(block: 104), next = WatcherMachineTests.record(block: 112)
        var drive = Self.scannedFirstWindow(lock)
        let used = drive.on(.committed(inserted: [lock.observation], readAhead: Self.ahead(110...119, WatcherMachineTests.result([next], logs: 1))))
        #expect(used.step == .commit(scanned: 110...119, nextBlock: 120, records: [next], readAhead: 120...129), "no second eth_getLogs of 110...119")
        #expect(used.reports.contains(.committed(blocks: 10, cursor: 110)))
        #expect(drive.machine.cursor == 110, "window 2 is not committed before its own commit step")
        for start in stride(from: UInt64(120), through: 140, by: 10) {
            #expect(drive.step(.committed(inserted: [], readAhead: Self.ahead(start...start + 9))) == .commit(
                scanned: start...start + 9, nextBlock: start + 10, records: [], readAhead: start + 10...min(start + 19, 150)))
        }
        #expect(drive.step(.committed(inserted: [], readAhead: Self.ahead(150...150))) == .commit(scanned: 150...150, nextBlock: 151, records: []),
                "the final block reached: nothing more to read ahead")
        #expect(drive.step(.committed(inserted: [])) == .sleep(.seconds(3)))
        #expect(drive.machine.cursor == 151)
    }

    @Test func anEndpointSwitchDuringTheReadDiscardsItAndRestartsTheCycle() {
        let lock = WatcherMachineTests.record(block: 104)
        var drive = Self.scannedFirstWindow(lock)
        let switched = drive.on(.committed(inserted: [lock.observation], readAhead: Self.ahead(110...119, endpoints: (0, 1))))
        #expect(switched.reports.contains(.readAheadDiscarded(.endpointSwitched(from: 0, to: 1))))
        #expect(switched.step == .readFinalBlock, "the final block is read again from the endpoint now in use")
        #expect(drive.machine.cursor == 110, "window 1 stays committed")
        #expect(drive.step(.finalBlock(114)) == .scan(110...114), "the new endpoint's final block bounds the scan")
    }

    @Test func aFinalBlockGoneBackDiscardsItAndRestartsTheCycle() {
        let lock = WatcherMachineTests.record(block: 104)
        for final: UInt64? in [112, nil] {
            var drive = Self.scannedFirstWindow(lock)
            let back = drive.on(.committed(inserted: [lock.observation], readAhead: Self.ahead(110...119, final: final)))
            #expect(back.reports.contains(.readAheadDiscarded(.finalWentBack(from: 150, to: final))))
            #expect(back.step == .readFinalBlock)
            #expect(drive.step(.finalBlock(109)) == .sleep(.seconds(3)), "nothing past the cursor is final any more")
            #expect(drive.machine.cursor == 110)
        }
        var moved = Self.scannedFirstWindow(lock)
        #expect(moved.step(.committed(inserted: [lock.observation], readAhead: Self.ahead(110...119, final: 170)))
                == .commit(scanned: 110...119, nextBlock: 120, records: [], readAhead: 120...129), "a final block that moved on is fine")
    }

    @Test func aReceiptRecheckFailureInTheReadAheadIsReadAgainTheOrdinaryWay() {
        let lock = WatcherMachineTests.record(block: 104)
        var drive = Self.scannedFirstWindow(lock)
        let moved = (log: WatcherMachineTests.log(block: 115), reason: DropReason.blockHashMismatch)
        let reorg = drive.on(.committed(inserted: [lock.observation], readAhead: Self.ahead(110...119, WatcherMachineTests.result(drops: [moved], logs: 1))))
        #expect(reorg.reports.contains(.readAheadDiscarded(.reorgSuspected(block: 115))))
        #expect(reorg.step == .scan(110...119), "read again; the ordinary re-check decides the rescan")
        #expect(!reorg.reports.contains { if case .rescanning = $0 { true } else { false } }, "no re-check attempt spent on a discarded read")
    }

    @Test func aFailedOrRefusedOrMisplacedReadAheadIsReadAgain() {
        let lock = WatcherMachineTests.record(block: 104)
        let cases: [(Machine.ReadAhead, Machine.ReadAheadDiscard)] = [
            (Machine.ReadAhead(range: 110...119, read: .failed("timeout"), endpointBefore: 0, endpointAfter: 0, final: .success(150)), .failed("timeout")),
            (Machine.ReadAhead(range: 110...119, read: .refused(message: "too many"), endpointBefore: 0, endpointAfter: 0, final: .success(150)), .refused),
            (Machine.ReadAhead(range: 110...119, read: .scanned(WatcherMachineTests.result()), endpointBefore: 0, endpointAfter: 0,
                               final: .failure(Machine.ReadAheadFailure("down"))), .failed("final block: down")),
            (Self.ahead(111...120), .notNext(read: 111...120, next: 110...119)),
        ]
        for (ahead, reason) in cases {
            var drive = Self.scannedFirstWindow(lock)
            let decision = drive.on(.committed(inserted: [lock.observation], readAhead: ahead))
            #expect(decision.reports.contains(.readAheadDiscarded(reason)))
            #expect(decision.step == .scan(110...119))
        }
    }

    @Test func aRescanOrADisabledSettingReadsNothingAhead() {
        var drive = Drive(readAhead: true)
        _ = drive.step(.started(storedCursor: nil))
        _ = drive.step(.finalBlock(150))
        let before = WatcherMachineTests.record(block: 103)
        let missing = (log: WatcherMachineTests.log(block: 105), reason: DropReason.receiptMissing)
        #expect(drive.step(.scanned(100...109, WatcherMachineTests.result([before], drops: [missing], logs: 2)))
                == .commit(scanned: 100...109, nextBlock: 105, records: [before]), "window k is rescanned: nothing read ahead")
        var off = Drive(readAhead: false)
        _ = off.step(.started(storedCursor: nil))
        _ = off.step(.finalBlock(150))
        #expect(off.step(.scanned(100...109, WatcherMachineTests.result())) == .commit(scanned: 100...109, nextBlock: 110, records: []))
    }
}
