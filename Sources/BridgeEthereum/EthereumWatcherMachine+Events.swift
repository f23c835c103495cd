// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import Ethereum

extension EthereumWatcherMachine {
    /// What to do after an event: one step, and what to report first.
    public struct Decision: Sendable, Equatable {
        public var step: Step
        public var reports: [Report]
    }

    /// Takes the outcome of the last step at wall-clock `now` (Unix ms) and decides the next one.
    public mutating func handle(_ event: Event, now: UInt64) -> Decision {
        var reports: [Report] = []
        let step: Step
        switch event {
        case .started(let stored):
            step = start(storedCursor: stored)
        case .recentObservations(let observations):
            sentinel.track(observations)
            step = .readFinalBlock
        case .finalBlock(nil):
            step = endCycle(after: settings.pollInterval)
        case .finalBlock(let final?):
            reports += noteFinality(final, now: now)
            target = final
            dueChecks = sentinel.due(final: final)
            step = nextCheckOrScan()
        case .canonicalHash(let number, let hash):
            let reorged = sentinel.resolve(number, canonicalHash: hash)
            if reorged.isEmpty {
                step = nextCheckOrScan()
            } else {
                reports.append(.reorgedAfterFinality(reorged, blockNumber: number))
                step = .withdraw(reorged, blockNumber: number)
            }
        case .canonicalHashUnavailable(let number):
            // Try again next cycle: the block stays pending in the sentinel.
            reports.append(.deepReorgCheckDeferred(number))
            dueChecks = []
            step = nextScanOrSleep()
        case .withdrawn:
            step = nextCheckOrScan()
        case .scanRefused(let range, let message, let hint):
            reports.append(.rangeRefused)
            if planner.recordRefusal(of: range, suggestedToBlock: hint) {
                reports.append(.windowShrunk(range, window: planner.window, message: message))
                step = nextScanOrSleep()
            } else {
                let error = EthereumRPCError.logQueryTooLarge(message: "a single block: \(message)", suggestedToBlock: nil)
                reports.append(.scanFailed(cursor: planner.nextBlock, error: "\(error)"))
                step = endCycle(after: settings.errorBackoff)
            }
        case .scanned(let range, let result):
            step = scanned(range, result, reports: &reports)
        case .committed(let inserted, let ahead):
            if let (range, nextBlock) = pendingCommit {
                planner.advance(to: nextBlock)
                recheckAttempts = recheckAttempts.filter { $0.key >= nextBlock }
                reports.append(.committed(blocks: nextBlock - range.lowerBound, cursor: nextBlock))
                sentinel.track(inserted)
            }
            pendingCommit = nil
            if let ahead {
                step = useReadAhead(ahead, reports: &reports)
            } else {
                step = nextScanOrSleep()
            }
        case .woke:
            step = sleepEndsCycle ? .readFinalBlock : nextScanOrSleep()
        case .failed(let error):
            pendingCommit = nil
            reports.append(.scanFailed(cursor: planner.nextBlock, error: error))
            step = endCycle(after: settings.errorBackoff)
        }
        return Decision(step: step, reports: reports)
    }

    private mutating func start(storedCursor stored: UInt64?) -> Step {
        planner = BlockRangePlanner(nextBlock: stored ?? settings.startBlock, maxWindow: settings.maxWindow)
        let depth = settings.deepReorgCheckDepth
        // After a restart the observations committed in the last `depth` blocks before the cursor
        // have not all been re-read yet, so they are tracked again (re-reading one twice is harmless).
        guard let stored, depth > 0 else { return .readFinalBlock }
        return .loadRecentObservations(fromBlock: stored > depth + 1 ? stored - depth - 1 : 0, limit: sentinel.capacity)
    }

    private mutating func noteFinality(_ final: UInt64, now: UInt64) -> [Report] {
        var reports: [Report] = [.finalBlock(final)]
        let warnAfter = settings.finalityStallWarningMs
        let unmoved = now >= lastFinalChangeMs ? now - lastFinalChangeMs : 0
        if lastFinal != final {
            lastFinal = final
            lastFinalChangeMs = now
        } else if unmoved >= warnAfter, (now >= lastStallLogMs ? now - lastStallLogMs : 0) >= warnAfter {
            lastStallLogMs = now
            reports.append(.finalityStalled(final: final, stalledSeconds: unmoved / 1_000))
        }
        return reports
    }

    private mutating func scanned(_ range: ClosedRange<UInt64>, _ result: RangeScanResult, reports: inout [Report]) -> Step {
        planner.recordAnswer(logCount: result.logCount)
        reports.append(.answered(logCount: result.logCount, window: planner.window))
        // A missing receipt or a moved block may be a lagging node: rescan from that block a few times.
        var commitEnd = range.upperBound + 1
        if let first = result.drops.filter({ $0.reason.retryable }).map(\.log.blockNumber).min(),
           recheckAttempts[first, default: 0] < settings.maxRecheckAttempts {
            recheckAttempts[first, default: 0] += 1
            commitEnd = first
            reports.append(.rescanning(block: first, attempt: recheckAttempts[first, default: 0]))
        }
        for drop in result.drops where drop.log.blockNumber < commitEnd {
            reports.append(.dropped(drop.log, drop.reason))
        }
        guard commitEnd > range.lowerBound else {
            sleepEndsCycle = false
            return .sleep(settings.errorBackoff)
        }
        pendingCommit = (range, commitEnd)
        let records = result.records.filter { $0.observation.blockNumber < commitEnd }
        let events = result.events.filter { $0.log.blockNumber < commitEnd }
        let ahead = settings.readAhead ? Self.readAheadRange(after: range, commitEnd: commitEnd, planner: planner, target: target) : nil
        return .commit(scanned: range, nextBlock: commitEnd, records: records, events: events, readAhead: ahead)
    }

    /// The window read during the last commit: scanned as if just read, or discarded (read again
    /// the ordinary way, or a new cycle from the final block when the endpoint or the final block changed).
    private mutating func useReadAhead(_ ahead: ReadAhead, reports: inout [Report]) -> Step {
        guard let target else { return nextScanOrSleep() }
        if let discard = Self.readAheadDiscard(ahead, next: planner.nextRange(target: target), target: target) {
            reports.append(.readAheadDiscarded(discard))
            guard discard.restartsCycle else { return nextScanOrSleep() }
            sleepEndsCycle = true
            dueChecks = []
            return .readFinalBlock
        }
        guard case .scanned(let result) = ahead.read else { return nextScanOrSleep() }
        return scanned(ahead.range, result, reports: &reports)
    }

    private mutating func nextCheckOrScan() -> Step {
        guard dueChecks.isEmpty else { return .readCanonicalHash(dueChecks.removeFirst()) }
        return nextScanOrSleep()
    }

    private mutating func nextScanOrSleep() -> Step {
        if let target, let range = planner.nextRange(target: target) { return .scan(range) }
        return endCycle(after: settings.pollInterval)
    }

    private mutating func endCycle(after pause: Duration) -> Step {
        sleepEndsCycle = true
        dueChecks = []
        return .sleep(pause)
    }
}
