// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import CoreMetrics
import BridgeStore
import ChainCrypto
import Ethereum
import Logging

extension EthereumWatcher {
    /// Waits for an endpoint of the chain (an unreachable one is retried, see `waitForChain`);
    /// refuses to start when every endpoint serves another chain, the finality tag does not work
    /// or the contract has no code (a wrong address would otherwise scan an empty chain forever).
    func checkStartup() async throws {
        try await pool.waitForChain()
        if configuration.finality == .finalized || configuration.finality == .safe {
            // Whether the tag is served at all: one endpoint's answer is enough (nothing is decided by it).
            let tag: BlockTag = configuration.finality == .safe ? .safe : .finalized
            guard try await pool.run("eth_getBlockByNumber", { try await $0.blockHeader(tag) }) != nil else {
                throw WatcherError.finalityTagUnsupported("\(configuration.finality)")
            }
        }
        let contract = configuration.contract
        let code = try await pool.run("eth_getCode") { try await $0.code(address: contract) }
        guard !code.isEmpty else {
            throw WatcherError.noContractCode(EthereumAddress(bytes: contract)?.checksummed ?? ChainHex.encode(contract))
        }
    }

    /// The highest block the finality mode trusts, or nil when none is final yet.
    func finalBlock() async throws -> UInt64? {
        try await pool.finalBlock(configuration.finality)
    }

    func noteFinality(_ target: UInt64, state: inout LoopState) {
        let now = wallClock.nowMilliseconds
        metrics.finalBlock.record(Int64(clamping: target))
        if state.lastFinal != target {
            state.lastFinal = target
            state.lastFinalChangeMs = now
        } else if now - state.lastFinalChangeMs >= configuration.finalityStallWarningMs,
                  now - state.lastStallLogMs >= configuration.finalityStallWarningMs {
            state.lastStallLogMs = now
            logger.error("Ethereum final block has not moved", metadata: [
                "eth.block.number": "\(target)", "eth.finality": "\(configuration.finality)",
                "eth.stalled_seconds": "\((now - state.lastFinalChangeMs) / 1_000)",
            ])
        }
    }

    /// Scans one range and commits what it covers.
    func process(_ range: ClosedRange<UInt64>, planner: inout BlockRangePlanner, state: inout LoopState) async throws {
        let started = ContinuousClock.now
        let result: RangeScanResult
        do {
            result = try await scanner.scan(range)
        } catch EthereumRPCError.logQueryTooLarge(let message, let hint) {
            metrics.rangeRefusals.increment()
            guard planner.recordRefusal(of: range, suggestedToBlock: hint) else {
                throw EthereumRPCError.logQueryTooLarge(message: "a single block: \(message)", suggestedToBlock: nil)
            }
            metrics.windowBlocks.record(Int64(planner.window))
            logger.notice("Provider refused the log range; shrinking the window", metadata: [
                "eth.range.from": "\(range.lowerBound)", "eth.range.to": "\(range.upperBound)", "eth.window": "\(planner.window)",
                "error": "\(message)",
            ])
            return
        }
        planner.recordAnswer(logCount: result.logCount)
        metrics.windowBlocks.record(Int64(planner.window))
        metrics.logsSeen.increment(by: result.logCount)

        // A missing receipt or a moved block may be a lagging node: rescan from that block a few times.
        var commitEnd = range.upperBound + 1
        if let first = result.drops.filter({ $0.reason.retryable }).map(\.log.blockNumber).min(),
           state.recheckAttempts[first, default: 0] < configuration.maxRecheckAttempts {
            state.recheckAttempts[first, default: 0] += 1
            commitEnd = first
            logger.warning("Receipt re-check failed; rescanning", metadata: [
                "eth.block.number": "\(first)", "eth.attempt": "\(state.recheckAttempts[first]!)",
            ])
        }
        let records = result.records.filter { $0.observation.blockNumber < commitEnd }
        for drop in result.drops where drop.log.blockNumber < commitEnd {
            metrics.dropped(drop.reason).increment()
            logger.warning("Lock log dropped", metadata: [
                "eth.tx.hash": "\(ChainHex.encode(drop.log.transactionHash))", "eth.log.index": "\(drop.log.logIndex)",
                "eth.block.number": "\(drop.log.blockNumber)", "reason": "\(drop.reason.rawValue)",
            ])
        }
        guard commitEnd > range.lowerBound else {
            try await clock.sleep(for: configuration.errorBackoff)
            return
        }
        let commit = try await database.commitScan(cursor: configuration.cursorName, nextBlock: commitEnd, records: records, nowMs: wallClock.nowMilliseconds)
        planner.advance(to: commitEnd)
        state.recheckAttempts = state.recheckAttempts.filter { $0.key >= commitEnd }
        metrics.blocksScanned.increment(by: Int(commitEnd - range.lowerBound))
        metrics.cursorBlock.record(Int64(clamping: commitEnd))
        let elapsed = (ContinuousClock.now - started).components
        metrics.scanSeconds.recordNanoseconds(elapsed.seconds * 1_000_000_000 + elapsed.attoseconds / 1_000_000_000)
        emit(records, commit: commit)
        let inserted = Set(commit.inserted)
        state.sentinel.track(records.filter { inserted.contains($0.observation.id) }.map(\.observation))
    }

    private func emit(_ records: [ObservationRecord], commit: ScanCommit) {
        let inserted = Set(commit.inserted)
        for id in commit.duplicates {
            metrics.duplicateObservations.increment()
            logger.warning("Observation already stored; not emitted again", metadata: ["transfer.id": "\(id)"])
        }
        for record in records where inserted.contains(record.observation.id) {
            let o = record.observation
            if record.status == .rejected {
                metrics.rejectedObservations.increment()
                let code = record.reason.flatMap { $0.split(separator: ":").first }.flatMap { RejectionReason(rawValue: String($0)) }
                metrics.rejected(code ?? .malformedEvent).increment()
                logger.warning("Lock rejected", metadata: [
                    "transfer.id": "\(o.id)", "eth.block.number": "\(o.blockNumber)", "reason": "\(record.reason ?? "")",
                ])
            } else {
                metrics.validObservations.increment()
                logger.info("Lock observed", metadata: [
                    "transfer.id": "\(o.id)", "eth.block.number": "\(o.blockNumber)", "amount": "\(o.amount)",
                ])
            }
            if case .dropped = continuation.yield(record) { metrics.streamDrops.increment() }
        }
    }
}
