// SPDX-License-Identifier: Apache-2.0
import CoreMetrics
import Logging
import NIOPosix
import ServiceLifecycle

/// Runs `StartupPageRelease` once, `delay` after the service group started (start-up over: the
/// services are running and have made their first polls), on a thread of `NIOThreadPool` (it
/// reads `/proc/self/smaps`), logs what it released and sets
/// `bridge_memory_startup_code_released_bytes`; then waits for shutdown. Only `bridge-relay run` adds it
/// (`BridgeNode.buildServiceGroup(releaseStartupCodeAfter:)`): it acts on the whole process. Any error is logged and
/// the node carries on. `memory.release_startup_code: false` leaves it out of the group.
struct StartupPageReleaseService: Service {
    let logger: Logger
    var delay: Duration
    /// Also `malloc_trim(0)` (`memory.trim_heap`).
    var trimHeap = true
    var advice: StartupPageRelease.Advice = .pageOut
    var metrics = StartupPageReleaseMetrics()

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown { try await Task.sleep(for: delay) }
        } catch {
            return  // shutdown (or cancellation) before the delay: nothing to release
        }
        let advice = self.advice
        let trimHeap = self.trimHeap
        do {
            let started = ContinuousClock.now
            let outcome = try await NIOThreadPool.singleton.runIfActive { try StartupPageRelease.releaseNow(advice: advice, trimHeap: trimHeap) }
            let took = ContinuousClock.now - started
            metrics.releasedBytes.record(outcome.releasedBytes)
            var metadata: Logger.Metadata = [
                "memory.released_bytes": "\(outcome.releasedBytes)", "memory.code_resident_before_bytes": "\(outcome.residentBefore)",
                "memory.code_resident_after_bytes": "\(outcome.residentAfter)", "memory.mappings.count": "\(outcome.mappings)",
                "memory.released_by_pageout_bytes": "\(outcome.releasedByPageOut)",
                "memory.released_by_dontneed_bytes": "\(outcome.releasedByDontNeed)",
                "memory.dontneed_mappings.count": "\(outcome.droppedMappings)", "memory.cow_mappings_kept.count": "\(outcome.keptMappings)",
                "memory.heap_trimmed_bytes": "\(outcome.trimmedBytes)",
                "memory.private_dirty_after_bytes": "\(trimHeap ? outcome.privateDirtyAfterTrim : 0)",
                "memory.took_ms": "\(took.components.seconds * 1000 + took.components.attoseconds / 1_000_000_000_000_000)",
            ]
            if !outcome.failures.isEmpty { metadata["reason"] = "\(outcome.failures.prefix(5).joined(separator: "; "))" }
            logger.info("Start-up code pages released", metadata: metadata)
        } catch {
            logger.warning("Start-up code pages not released; carrying on", metadata: ["error": "\(error)"])
        }
        try? await gracefulShutdown()
    }
}
