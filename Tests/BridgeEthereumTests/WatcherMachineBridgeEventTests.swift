// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeEthereum
import BridgeStore
import Ethereum
import Testing

/// The machine carries completion and re-sign events to the commit with the locks of the same
/// range, and holds back those at or above a doubtful block exactly as it holds back locks.
struct WatcherMachineBridgeEventTests {
    typealias Drive = WatcherMachineTests.Drive

    static func event(block: UInt64) -> EthereumBridgeEvent {
        var log = WatcherMachineTests.log(block: block)
        log.topics = [BridgeEventDecoder.transferCompleted.topic0]
        return .transferCompleted(log: log, transactionID: [0x12, 0x20] + [UInt8](repeating: UInt8(block), count: 32), operationID: ABIWord(1))
    }

    @Test func eventsBelowADoubtfulBlockAreCommittedAndTheOthersRescanned() {
        var drive = Drive(maxWindow: 10, recheck: 2)
        _ = drive.step(.started(storedCursor: nil))
        #expect(drive.step(.finalBlock(150)) == .scan(100...109))
        let lock = WatcherMachineTests.record(block: 102)
        let early = Self.event(block: 101), late = Self.event(block: 108)
        let missing = (log: WatcherMachineTests.log(block: 105), reason: DropReason.receiptMissing)
        let scanned = RangeScanResult(records: [lock], drops: [missing], logCount: 4, events: [early, late])
        #expect(drive.step(.scanned(100...109, scanned)) == .commit(scanned: 100...109, nextBlock: 105, records: [lock], events: [early]))
        #expect(drive.step(.committed(inserted: [lock.observation])) == .scan(105...114))
        let rescanned = RangeScanResult(records: [], drops: [], logCount: 1, events: [late])
        #expect(drive.step(.scanned(105...114, rescanned)) == .commit(scanned: 105...114, nextBlock: 115, records: [], events: [late]))
    }
}
