// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeEthereum
import BridgeTesting
import Ethereum
import Testing

/// The watcher's interpreter (the real `EthereumWatcher`, `EndpointPool` and `RangeScanner`) over
/// scripted endpoints and an in-memory store, on a stepped clock: re-orgs, lying, lagging and
/// failing endpoints, and restarts, without a devnet.
@Suite struct WatcherScriptedChainTests {
    @Test func aReorgBeforeFinalityStoresOnlyTheCanonicalLock() async throws {
        let f = ScriptedWatcherFixture()
        f.mine(at: 4, [ScriptedWatcherFixture.lock(1), ScriptedWatcherFixture.lock(2)])  // head 4, final 2
        let run = f.start()
        #expect(await run.parked() == f.configuration.pollInterval)
        #expect(try await f.cursor() == 3)
        #expect(f.store.stored.isEmpty, "block 4 is not final: nothing of it is stored")

        f.ledger.reorg(from: 4)  // lock 2 is orphaned; lock 1 is mined again one block later
        f.mine(at: 5, [ScriptedWatcherFixture.lock(1)])
        f.mine(to: 8)
        #expect(await run.step() == f.configuration.pollInterval)
        let stored = f.store.stored
        #expect(stored.map(\.record.observation.id) == [ScriptedWatcherFixture.id(1)])
        #expect(stored.first?.record.observation.blockNumber == 5)
        #expect(stored.first?.record.observation.blockHash == f.ledger.block(5)?.header.hash)
        #expect(try await f.cursor() == 7)
        _ = await run.stop()
    }

    @Test func aBlockReplacedAfterFinalityWithdrawsItsObservation() async throws {
        var f = ScriptedWatcherFixture()
        f.configuration.deepReorgCheckDepth = 2
        f.mine(at: 2, [ScriptedWatcherFixture.lock(1)])
        f.mine(at: 3, [ScriptedWatcherFixture.lock(2)])
        f.mine(to: 5)  // final 3: both stored
        let run = f.start()
        #expect(await run.parked() != nil)
        #expect(f.store.stored.map(\.status) == [.observed, .observed])

        f.ledger.reorg(from: 3)  // deeper than the finality rule: block 3 is replaced, block 2 is not
        f.mine(to: 8)
        let withdrawn = try await run.step { try await f.store.attestationStatus(of: ScriptedWatcherFixture.id(2)) == .rejected }
        #expect(withdrawn)
        #expect(f.store.stored.first { $0.record.observation.id == ScriptedWatcherFixture.id(2) }?.reason?.hasPrefix("reorged_after_finality") == true)
        #expect(try await f.store.attestationStatus(of: ScriptedWatcherFixture.id(1)) == .observed, "control: block 2 was not replaced")
        #expect(f.logs.contains("Lock block replaced after finality"))
        _ = await run.stop()
    }

    @Test func aReceiptInAnotherBlockHoldsTheCursorBeforeTheLock() async throws {
        let f = ScriptedWatcherFixture()
        f.mine(at: 3, [ScriptedWatcherFixture.lock(1)])
        f.mine(to: 6)  // final 4
        f.endpoints[0].rewriteReceipt { receipt in
            guard var receipt else { return nil }
            receipt.blockHash = [UInt8](repeating: 0xee, count: 32)  // re-mined elsewhere, as the node now says
            return receipt
        }
        let run = f.start()
        #expect(await run.parked() == f.configuration.errorBackoff, "the window is refused and rescanned after the back-off")
        #expect(try await f.cursor() == 3, "the cursor stops before the lock's block")
        #expect(f.store.stored.isEmpty)

        f.endpoints[0].rewriteReceipt(nil)
        #expect(await run.step() == f.configuration.pollInterval)
        #expect(f.store.stored.map(\.record.observation.id) == [ScriptedWatcherFixture.id(1)])
        #expect(try await f.cursor() == 5)
        _ = await run.stop()
    }

    /// The cba6dbd bug: the current endpoint fails mid-scan, the pool fails over to a node whose
    /// head is below the window, which answers "no logs" for the blocks it lacks. The scan must not
    /// take that answer (RangeScanner's `endpointBehind` check), or the cursor passes the lock for good.
    @Test func failoverToALaggingEndpointDoesNotSkipALock() async throws {
        let f = ScriptedWatcherFixture(endpoints: 2)
        f.mine(at: 17, [ScriptedWatcherFixture.lock(1)])
        f.mine(to: 20)  // final 18
        f.endpoints[1].setLag(6)  // head 14: below the lock
        f.endpoints[0].failCall(.logs, number: 1)
        let run = f.start()
        #expect(await run.parked() == f.configuration.errorBackoff, "no endpoint could answer for the whole window")
        #expect(f.logs.contains("is below block 18"))
        let stored = try await run.step { f.store.stored.count == 1 }
        #expect(stored, "the lock is stored once the up-to-date endpoint answers again")
        #expect(f.store.stored.map(\.record.observation.id) == [ScriptedWatcherFixture.id(1)])
        #expect(try await f.cursor() == 19)
        _ = await run.stop()
    }

    @Test func twoAgreeRefusesLogsTheEndpointsDisagreeOn() async throws {
        var f = ScriptedWatcherFixture(endpoints: 2)
        f.trust = .twoAgree
        f.mine(at: 3, [ScriptedWatcherFixture.lock(1)])
        f.mine(to: 6)
        f.endpoints[1].rewriteLogs { _ in [] }  // a lying endpoint hides the lock
        let run = f.start()
        #expect(await run.parked() == f.configuration.errorBackoff)
        #expect(f.logs.contains("Ethereum endpoints disagree"))
        #expect(f.store.stored.isEmpty)
        #expect(try await f.cursor() == nil, "nothing was committed, not even the empty blocks before the lock")

        f.endpoints[1].rewriteLogs(nil)
        let stored = try await run.step { f.store.stored.count == 1 }
        #expect(stored)
        #expect(try await f.cursor() == 5)
        _ = await run.stop()
    }

    @Test func aWindowReadAheadIsDiscardedWhenTheEndpointChanges() async throws {
        var f = ScriptedWatcherFixture(endpoints: 2)
        f.configuration.maxWindow = 5
        for (n, block) in [3, 8, 13, 18, 23].enumerated() { f.mine(at: UInt64(block), [ScriptedWatcherFixture.lock(n)]) }
        f.mine(to: 30)  // final 28: windows 1–5, 6–10, …
        f.endpoints[0].failCall(.logs, number: 2)  // the read-ahead of 6–10: the pool switches to endpoint 1 during it
        let run = f.start()
        let caughtUp = try await run.step { try await f.cursor() == 29 }
        #expect(caughtUp)
        #expect(f.logs.contains("Ethereum window read ahead discarded"))
        #expect(f.logs.contains("Switching Ethereum endpoint"))
        let emitted = await run.stop()
        #expect(emitted.map(\.observation.id) == (0..<5).map { ScriptedWatcherFixture.id($0) }, "each lock once, in chain order")
        #expect(f.store.stored.count == 5)
    }

    @Test func aRestartFromTheStoredCursorRepeatsNothing() async throws {
        let f = ScriptedWatcherFixture()
        f.mine(at: 3, [ScriptedWatcherFixture.lock(1)])
        f.mine(at: 7, [ScriptedWatcherFixture.lock(2)])
        f.mine(to: 10)  // final 8
        let first = f.start()
        #expect(await first.parked() != nil)
        #expect(try await f.cursor() == 9)
        #expect(await first.stop().count == 2)

        f.mine(at: 11, [ScriptedWatcherFixture.lock(3)])
        f.mine(to: 13)
        let asked = f.endpoints[0].logFilters.count
        let second = f.start()
        #expect(await second.parked() != nil)
        let emitted = await second.stop()
        #expect(emitted.map(\.observation.id) == [ScriptedWatcherFixture.id(3)], "only the new lock")
        #expect(f.endpoints[0].logFilters.dropFirst(asked).allSatisfy { $0.fromBlock >= 9 }, "no block below the stored cursor is scanned again")
        #expect(f.store.stored.count == 3)
        #expect(try await f.cursor() == 12)
    }

    @Test func aFailedCommitLosesNothingAndRepeatsNothing() async throws {
        var f = ScriptedWatcherFixture()
        f.configuration.readAhead = false
        f.mine(at: 3, [ScriptedWatcherFixture.lock(1)])
        f.mine(to: 6)
        f.store.failCommits(1)  // the store refuses the window's commit: neither the lock nor the cursor is kept
        let run = f.start()
        #expect(await run.parked() == f.configuration.errorBackoff)
        #expect(f.store.stored.isEmpty)
        #expect(try await f.cursor() == nil)
        #expect(await run.step() == f.configuration.pollInterval, "the window is scanned and committed again")
        #expect(try await f.cursor() == 5)
        let emitted = await run.stop()
        #expect(emitted.map(\.observation.id) == [ScriptedWatcherFixture.id(1)], "yielded once, after the commit that stored it")
        #expect(f.store.commits == 1)
    }
}
