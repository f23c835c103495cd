// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeEthereum
import BridgeTesting
import Ethereum
import Testing

/// `ReobserverMachine` alone: inputs in, actions out, `now` passed in.
@Suite struct ReobserverMachineTests {
    typealias F = ScriptedWatcherFixture
    static let now: UInt64 = 1_700_000_000_000

    static func machine(_ limits: ReobservationQueue.Limits = .init()) -> ReobserverMachine {
        ReobserverMachine(settings: .init(ScriptedWatcherFixture().configuration, idlePoll: .milliseconds(250)), limits: limits)
    }

    /// A receipt and header of lock `n` mined in block 3 of a fresh ledger.
    static func mined(_ n: Int) -> (EthereumReceipt, EthereumBlockHeader) {
        let ledger = ScriptedEthereumLedger(chainID: F.chainID)
        ledger.mine(blocks: 2)
        ledger.mine([F.lock(n)])
        let block = ledger.block(3)!
        return (block.receipt(F.hash(n))!, block.header)
    }

    @Test func aCheckAsksForEachReadInOrderThenStoresOnce() {
        var m = Self.machine()
        let id = F.id(1)
        let (receipt, header) = Self.mined(1)
        #expect(m.handle(.offered(id), now: Self.now) == .lookUpStatus(id))
        #expect(m.handle(.storeStatus(id, stored: false), now: Self.now) == .admitted(id, refusal: nil))
        #expect(m.handle(.tick, now: Self.now) == .readReceipt(id))
        #expect(m.handle(.tick, now: Self.now) == .sleep(.milliseconds(250)), "one check at a time")
        #expect(m.handle(.receipt(id, .success(receipt)), now: Self.now) == .readFinalBlock(id))
        #expect(m.handle(.finalBlock(id, .success(3)), now: Self.now) == .readHeader(id, number: 3))
        guard case .store(let record) = m.handle(.header(id, .success(header)), now: Self.now) else {
            Issue.record("a final, canonical lock is stored")
            return
        }
        #expect(record.observation.id == id && record.status == .observed)
        #expect(m.handle(.stored(id, .success(true)), now: Self.now) == .finished(id, .observed, detail: "", record: record))
        #expect(m.queue.count == 0)
        #expect(m.handle(.offered(id), now: Self.now) == .lookUpStatus(id))
        #expect(m.handle(.storeStatus(id, stored: true), now: Self.now) == .admitted(id, refusal: .alreadyStored))
    }

    @Test func failuresAreRetriedThenGivenUpWithTheirReason() {
        var limits = ReobservationQueue.Limits()
        limits.maxAttempts = 2
        limits.retryDelayMs = 1_000
        var m = Self.machine(limits)
        let id = F.id(1)
        let (receipt, header) = Self.mined(1)
        _ = m.handle(.storeStatus(id, stored: false), now: Self.now)
        #expect(m.handle(.tick, now: Self.now) == .readReceipt(id))
        guard case .finished(_, .deferred, _, nil) = m.handle(.receipt(id, .failure(.endpointsDisagree("x"))), now: Self.now) else {
            Issue.record("a disagreement is retried")
            return
        }
        #expect(m.handle(.tick, now: Self.now + 999) == .sleep(.milliseconds(250)), "not before the retry delay")
        #expect(m.handle(.tick, now: Self.now + 1_000) == .readReceipt(id))
        #expect(m.handle(.receipt(id, .success(receipt)), now: Self.now + 1_000) == .readFinalBlock(id))
        #expect(m.handle(.finalBlock(id, .success(3)), now: Self.now + 1_000) == .readHeader(id, number: 3))
        var other = header
        other.hash = [UInt8](repeating: 9, count: 32)
        guard case .finished(_, .blockHashMismatch, _, nil) = m.handle(.header(id, .success(other)), now: Self.now + 1_000) else {
            Issue.record("another canonical block refuses the receipt")
            return
        }
        #expect(m.queue.count == 0)
    }

    @Test func aNonFinalBlockIsNotReadFurther() {
        var limits = ReobservationQueue.Limits()
        limits.maxAttempts = 1
        var m = Self.machine(limits)
        let id = F.id(1)
        let (receipt, _) = Self.mined(1)
        _ = m.handle(.storeStatus(id, stored: false), now: Self.now)
        _ = m.handle(.tick, now: Self.now)
        _ = m.handle(.receipt(id, .success(receipt)), now: Self.now)
        guard case .finished(_, .notFinal, let detail, nil) = m.handle(.finalBlock(id, .success(2)), now: Self.now) else {
            Issue.record("block 3 is not final at 2")
            return
        }
        #expect(detail.contains("block 3, final 2"))
    }
}
