// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import ChainCrypto
import CoreMetrics
import Ethereum
import Logging

extension EthereumWatcher {
    /// Performs one step of the machine (RPC, store, sleep) and says what came of it.
    func perform(_ step: EthereumWatcherMachine.Step) async throws -> EthereumWatcherMachine.Event {
        switch step {
        case .loadRecentObservations(let fromBlock, let limit):
            do {
                let blocks = try await store.observationBlocks(chainID: configuration.chainID, fromBlock: fromBlock, limit: limit)
                return .recentObservations(blocks.map { (id: $0.id, blockNumber: $0.blockNumber, blockHash: $0.blockHash) })
            } catch {
                logger.warning("Could not read recent observations for the deep reorg check", metadata: ["error": "\(error)"])
                return .recentObservations([])
            }
        case .readFinalBlock:
            await pool.refreshHeads()
            return .finalBlock(try await finalBlock())
        case .readCanonicalHash(let number):
            do {
                let header = try await pool.read("eth_getBlockByNumber") { try await $0.blockHeader(.number(number)) }
                return .canonicalHash(number, header?.hash)
            } catch {
                logger.debug("Deep reorg check deferred", metadata: ["eth.block.number": "\(number)", "error": "\(error)"])
                return .canonicalHashUnavailable(number)
            }
        case .withdraw(let ids, let number):
            let previous = (try? await store.markReorgedAfterFinality(ids, blockNumber: number, nowMs: wallClock.nowMilliseconds)) ?? [:]
            for id in ids {
                logger.critical("Lock block replaced after finality; observation withdrawn", metadata: [
                    "transfer.id": "\(id)", "eth.block.number": "\(number)", "eth.finality": "\(configuration.finality)",
                    "previous.status": "\(previous[id]?.rawValue ?? "unknown")",
                ])
            }
            return .withdrawn
        case .scan(let range):
            do {
                return .scanned(range, try await scanner.scan(range))
            } catch EthereumRPCError.logQueryTooLarge(let message, let hint) {
                return .scanRefused(range, message: message, suggestedToBlock: hint)
            }
        case .commit(let scanned, let nextBlock, let records, let events, let plan):
            guard let plan else {
                return .committed(inserted: try await commit(scanned: scanned, nextBlock: nextBlock, records: records, events: events))
            }
            // Window k+1 is read in a child task while window k is judged and committed (never more
            // than one ahead); a failed commit cancels it. The machine decides whether it is used.
            async let ahead = readAhead(plan)
            let inserted = try await commit(scanned: scanned, nextBlock: nextBlock, records: records, events: events)
            return .committed(inserted: inserted, readAhead: await ahead)
        case .sleep(let pause):
            try await clock.sleep(for: pause)
            return .woke
        }
    }

    /// Judges `events`, then commits `records`, their changes and the cursor `nextBlock` in one
    /// transaction; emits what was stored for the first time and returns it.
    func commit(scanned: ClosedRange<UInt64>, nextBlock: UInt64, records: [ObservationRecord], events: [EthereumBridgeEvent]) async throws
        -> [LockObservation] {
        // A re-sign request may name a lock of this same window (a catch-up after downtime puts
        // hours of blocks in one window): the window's locks are stored first, the cursor kept
        // where it is (a crash in between rescans the window; inserts are idempotent), so the
        // judge reads them instead of calling the request unknown.
        var early: ScanCommit?
        if !records.isEmpty, events.contains(where: \.isResignRequest) {
            early = try await store.commitScan(
                cursor: configuration.cursorName, nextBlock: scanned.lowerBound, records: records, nowMs: wallClock.nowMilliseconds)
        }
        let changes = try await judge(events)
        var commit = try await store.commitScan(
            cursor: configuration.cursorName, nextBlock: nextBlock, records: early == nil ? records : [], completions: changes.completions,
            resigns: changes.resigns, nowMs: wallClock.nowMilliseconds)
        if let early {
            commit.inserted = early.inserted
            commit.duplicates = early.duplicates
        }
        emit(records, commit: commit)
        report(changes, commit: commit)
        let inserted = Set(commit.inserted)
        return records.filter { inserted.contains($0.observation.id) }.map(\.observation)
    }

    func recordScanTime(since started: ContinuousClock.Instant) {
        let elapsed = (ContinuousClock.now - started).components
        metrics.scanSeconds.recordNanoseconds(elapsed.seconds * 1_000_000_000 + elapsed.attoseconds / 1_000_000_000)
    }

    /// Says what the machine reported: logs and metrics, nothing else.
    func report(_ reports: [EthereumWatcherMachine.Report]) {
        for item in reports {
            switch item {
            case .finalBlock(let final):
                metrics.finalBlock.record(Int64(clamping: final))
            case .rangeRefused:
                metrics.rangeRefusals.increment()
            case .finalityStalled(let final, let seconds):
                logger.error("Ethereum final block has not moved", metadata: [
                    "eth.block.number": "\(final)", "eth.finality": "\(configuration.finality)", "eth.stalled_seconds": "\(seconds)",
                ])
            case .windowShrunk(let range, let window, let message):
                metrics.windowBlocks.record(Int64(window))
                logger.notice("Provider refused the log range; shrinking the window", metadata: [
                    "eth.range.from": "\(range.lowerBound)", "eth.range.to": "\(range.upperBound)", "eth.window": "\(window)",
                    "error": "\(message)",
                ])
            case .answered(let logCount, let window):
                metrics.windowBlocks.record(Int64(window))
                metrics.logsSeen.increment(by: logCount)
            case .rescanning(let block, let attempt):
                logger.warning("Receipt re-check failed; rescanning", metadata: ["eth.block.number": "\(block)", "eth.attempt": "\(attempt)"])
            case .dropped(let log, let reason):
                metrics.dropped(reason).increment()
                logger.warning("Lock log dropped", metadata: [
                    "eth.tx.hash": "\(ChainHex.encode(log.transactionHash))", "eth.log.index": "\(log.logIndex)",
                    "eth.block.number": "\(log.blockNumber)", "reason": "\(reason.rawValue)",
                ])
            case .committed(let blocks, let cursor):
                metrics.blocksScanned.increment(by: Int(clamping: blocks))
                metrics.cursorBlock.record(Int64(clamping: cursor))
            case .reorgedAfterFinality(let ids, _):
                metrics.reorgedAfterFinality.increment(by: ids.count)
            case .deepReorgCheckDeferred:
                break  // logged where the read failed, with its error
            case .readAheadDiscarded(let discard):
                metrics.readAheadDiscarded(discard.label).increment()
                logger.notice("Ethereum window read ahead discarded", metadata: ["reason": "\(discard)", "eth.restarts_cycle": "\(discard.restartsCycle)"])
            case .scanFailed(let cursor, let error):
                metrics.scanErrors.increment()
                logger.error("Ethereum scan failed; retrying", metadata: ["eth.cursor": "\(cursor)", "error": "\(error)"])
            }
        }
    }
}
