// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import Koinos
import Logging
import Metrics

extension KoinosLockWatcher {
    /// One window: LIB, plan, fetch, check, judge, commit. An endpoint that errors or lies
    /// (`KoinosEndpointFault`) is set aside and the window asked of the next one; when none is
    /// left it throws (storing nothing) `KoinosWatcherError`. In `two_agree` two endpoints serve
    /// the window and must agree, else `endpointsDisagree` (nothing stored, nobody set aside).
    public func scanOnce() async throws -> KoinosScanStep {
        let from = try await cursor()
        let needed = configuration.agreement == .twoAgree ? 2 : 1
        var setAside = Set<Int>()
        var lastFault: KoinosEndpointFault?
        while true {
            try Task.checkCancellation()
            let chosen = await endpoints.pick(needed, excluding: setAside)
            guard chosen.count == needed else {
                throw needed == 2 && !chosen.isEmpty ? KoinosWatcherError.agreementUnavailable(lastFault) : KoinosWatcherError.noUsableEndpoint(lastFault)
            }
            do {
                return try await scan(from: from, on: chosen)
            } catch let fault as KoinosEndpointFault {
                await endpoints.setAside(fault)
                setAside.insert(fault.endpoint)
                lastFault = fault
            }
        }
    }

    /// The window from `from` read from each of `chosen` (one, or two that must agree) and committed.
    func scan(from: KoinosScanCursor, on chosen: [Int]) async throws -> KoinosScanStep {
        var heads = [(endpoint: Int, head: KoinosHeadInfo)]()
        for i in chosen {
            let head = try await endpoints.call(i, "chain.get_head_info") { try await $0.headInfo() }
            try await endpoints.recordHead(i, head)
            heads.append((i, head))
        }
        let lib = heads.map(\.head.lastIrreversibleBlock).min() ?? 0  // two_agree: the lower LIB
        guard let fetch = KoinosBlockWindow.fetch(cursor: from, lib: lib, maxBlocks: configuration.maxBlocksPerWindow) else {
            return .waiting(nextHeight: from.nextHeight, lib: lib)
        }
        var windows = [(cursor: KoinosScanCursor, blocks: [KoinosBlockItem])]()
        for (i, head) in heads {
            let items = try await endpoints.call(i, "block_store.get_blocks_by_height from \(fetch.start)") {
                try await $0.blocksByHeight(headBlockID: head.headID, startHeight: fetch.start, count: fetch.count)
            }
            do {
                windows.append(try KoinosBlockWindow.check(items, cursor: from, fetch: fetch, lib: lib))
            } catch {
                throw KoinosEndpointFault(endpoint: i, what: "the window from height \(fetch.start)", error: error)
            }
        }
        guard let (next, blocks) = windows.first else { throw KoinosWatcherError.noUsableEndpoint(nil) }
        if windows.count > 1, windows.dropFirst().contains(where: { $0.cursor != next || $0.blocks != blocks }) {
            metrics.endpointsDisagreed()
            logger.error("Koinos endpoints disagree on a window; it is not used", metadata: ["koinos.height": "\(from.nextHeight)"])
            throw KoinosWatcherError.endpointsDisagree(start: from.nextHeight, endpoints: chosen)
        }
        let records = KoinosBlockWindow.locks(in: blocks, bridge: configuration.bridgeContract, judge: judge)
        let resigns = try await judgeResignRequests(in: blocks)
        let commit = try await store.commitKoinosWindow(
            cursor: configuration.cursorName, to: next, records: records, resigns: resigns, completions: completionEvents(in: blocks),
            nowMs: clock.nowMilliseconds)
        for record in records where record.status == .rejected {
            logger.warning("Koinos lock rejected", metadata: ["koinos.lock": "\(record.observation.id)", "reason": "\(record.reason ?? "")"])
        }
        report(commit.completions)
        return .committed(start: from.nextHeight, cursor: next, inserted: commit.inserted, completions: commit.completions)
    }

    /// The window's `transfer_completed_event`s; an undecodable one is logged and counted.
    func completionEvents(in blocks: [KoinosBlockItem]) -> [KoinosTransferCompletion] {
        KoinosBlockWindow.completions(in: blocks, bridge: configuration.bridgeContract).compactMap { decoded in
            switch decoded {
            case .success(let completion): return completion
            case .failure(let error):
                metrics.completionEvent("malformed")
                logger.warning("Koinos transfer_completed_event refused: malformed", metadata: ["error": "\(error)"])
                return nil
            }
        }
    }

    func report(_ outcomes: [KoinosCompletionOutcome]) {
        for outcome in outcomes {
            let result: String
            switch outcome {
            case .completed(let ids):
                result = "completed"
                for id in ids { logger.info("Transfer completed on Koinos (transfer_completed_event)", metadata: ["transfer.id": "\(id)"]) }
            case .alreadySettled: result = "already_settled"
            case .unknown: result = "unknown"  // not an observation of this node: ignored
            }
            metrics.completionEvent(result)
        }
    }
}
