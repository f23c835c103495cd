// SPDX-License-Identifier: Apache-2.0
import Foundation
import ProcessTestSupport
import Testing

/// `ChildProcess` with small shell children: lines, exit status, deadlines, stop escalation, and
/// waits that suspend instead of holding one of the cooperative threads (two on 2 cores).
struct ChildProcessTests {
    static func elapsed(_ body: () async throws -> Void) async rethrows -> Duration {
        let start = ContinuousClock.now
        try await body()
        return ContinuousClock.now - start
    }

    @Test func linesAndExitStatus() async throws {
        let child = try ChildProcess("/bin/sh", ["-c", "echo hello; echo world; printf tail; exit 3"])
        #expect(await child.firstLine(timeout: .seconds(30)) == "hello")
        #expect(await child.waitForExit(timeout: .seconds(30)) == 3)
        #expect(child.lines == ["hello", "world", "tail"])
        #expect(child.standardOutput == "hello\nworld\ntail")
        #expect(!child.isRunning)
    }

    @Test func waitForLineSearchesFromAnIndex() async throws {
        let child = try ChildProcess("/bin/sh", ["-c", "for i in 1 2 3 4; do echo line$i; done; exec sleep 30"])
        let match = await child.waitForLine(from: 1, timeout: .seconds(30)) { $0.hasSuffix("3") }
        #expect(match?.index == 2 && match?.text == "line3")
        #expect(await child.waitForLine(from: 4, timeout: .milliseconds(200)) == nil)
        await child.stop()
    }

    // Wall-time bounds below are loose on purpose: in a parallel run on 2 cores a resumed task
    // may wait seconds for a thread. What they catch is a wait that ignores its deadline.

    @Test func aSilentChildTimesOutAndSIGTERMEndsIt() async throws {
        let child = try ChildProcess("/bin/sleep", ["120"])
        let waited = await Self.elapsed { #expect(await child.firstLine(timeout: .milliseconds(300)) == nil) }
        #expect(waited >= .milliseconds(300) && waited < .seconds(60))
        // The status says which signal ended it: SIGTERM must reach the child (the spawning pool
        // thread blocks SIGTERM, and a child would inherit that mask), else this is SIGKILL.
        #expect(await child.stop(grace: .seconds(30)) == SIGTERM)
    }

    /// Cleanup after a test ran past its time limit happens in a cancelled task.
    @Test func stopInACancelledTaskStillSignalsFirst() async throws {
        let child = try ChildProcess("/bin/sleep", ["120"])
        let stopping = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await child.stop(grace: .seconds(30))
        }
        #expect(await stopping.value == SIGTERM)
    }

    @Test func stopEscalatesToSIGKILL() async throws {
        let child = try ChildProcess("/bin/sh", ["-c", "trap '' TERM; echo ready; exec sleep 120"])
        #expect(await child.firstLine(timeout: .seconds(30)) == "ready")
        let stopping = await Self.elapsed { #expect(await child.stop(grace: .milliseconds(300)) == SIGKILL) }
        #expect(stopping < .seconds(60))
    }

    @Test(.timeLimit(.minutes(1))) func aFirstLineWaitEndsWhenStdoutCloses() async throws {
        let child = try ChildProcess("/bin/sh", ["-c", "exit 0"])
        #expect(await child.firstLine(timeout: .seconds(120)) == nil)  // a wait to the deadline would trip the time limit
        #expect(await child.waitForExit(timeout: .seconds(30)) == 0)
    }

    /// More waits than the cooperative pool has threads, released only by this task once every
    /// waiting task has started: if a wait held its thread, this task could not run to release
    /// them and the waits would run into their deadline (nil instead of the exit status).
    @Test(.timeLimit(.minutes(1))) func waitsSuspendInsteadOfHoldingPoolThreads() async throws {
        let count = max(8, 2 * ProcessInfo.processInfo.activeProcessorCount)
        let children = try (0..<count).map { _ in try ChildProcess("/bin/sh", ["-c", "read line; exit 7"]) }
        let (started, starting) = AsyncStream.makeStream(of: Void.self)
        await withTaskGroup(of: Int32?.self) { group in
            for child in children {
                group.addTask {
                    starting.yield()
                    return await child.waitForExit(timeout: .seconds(40))
                }
            }
            var iterator = started.makeAsyncIterator()
            for _ in 0..<count { await iterator.next() }
            for child in children { child.closeInput() }
            for await status in group { #expect(status == 7) }
        }
    }

    @Test func runCapturesBothStreamsAndFeedsInput() async throws {
        let result = try await ChildProcess.run("/bin/sh", ["-c", "cat; echo oops >&2; exit 2"], input: "abc\n")
        #expect(result.status == 2 && !result.timedOut)
        #expect(result.stdout == "abc\n")
        #expect(result.stderr == "oops\n")
    }

    @Test func runStopsAChildThatOverrunsItsTimeout() async throws {
        var result: ChildProcess.Completion?
        let waited = try await Self.elapsed { result = try await ChildProcess.run("/bin/sleep", ["120"], timeout: .milliseconds(300)) }
        #expect(result?.timedOut == true)
        #expect(result?.status == SIGTERM)
        #expect(waited < .seconds(60))
    }
}
